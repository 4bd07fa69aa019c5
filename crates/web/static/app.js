// A little enhancement on top of pages that work without it: confirm before removing,
// and a print button. Nothing here is needed to use linli.
document.addEventListener('submit', function (e) {
  var msg = e.target.getAttribute('data-confirm');
  if (msg && !window.confirm(msg)) { e.preventDefault(); }
});
document.addEventListener('click', function (e) {
  if (e.target.hasAttribute && e.target.hasAttribute('data-print')) { window.print(); }
});
// Uploads (a roster, a photo of a signed form) show how far they are: the form is sent with
// XMLHttpRequest only to read its upload progress; without JavaScript it is an ordinary form.
document.addEventListener('submit', function (e) {
  var form = e.target;
  if (e.defaultPrevented || !form.hasAttribute || !form.hasAttribute('data-progress') || !window.FormData) { return; }
  var bar = form.querySelector('progress');
  var note = form.querySelector('[data-progress-note]');
  if (!bar) { return; }
  e.preventDefault();
  var xhr = new XMLHttpRequest();
  xhr.open('POST', form.getAttribute('action') || window.location.href);
  bar.hidden = false;
  xhr.upload.onprogress = function (p) {
    if (p.lengthComputable) {
      bar.value = Math.round(100 * p.loaded / p.total);
      if (note) { note.textContent = note.getAttribute('data-progress-note') + ' ' + bar.value + '%'; }
    }
  };
  xhr.upload.onload = function () { bar.removeAttribute('value'); if (note) { note.textContent = note.getAttribute('data-checking'); } };
  xhr.onload = function () {
    var here = window.location.href.split('#')[0];
    if (xhr.responseURL && xhr.responseURL !== here && xhr.status < 400) { window.location.assign(xhr.responseURL); return; }
    document.open(); document.write(xhr.responseText); document.close();
  };
  xhr.onerror = function () { form.removeAttribute('data-progress'); form.submit(); };
  xhr.send(new FormData(form));
});
