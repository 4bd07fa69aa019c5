// A little enhancement on top of pages that work without it: confirm before removing,
// and a print button. Nothing here is needed to use linli.
document.addEventListener('submit', function (e) {
  var msg = e.target.getAttribute('data-confirm');
  if (msg && !window.confirm(msg)) { e.preventDefault(); }
});
document.addEventListener('click', function (e) {
  if (e.target.hasAttribute && e.target.hasAttribute('data-print')) { window.print(); }
});
