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
// The room picker: without JavaScript one list of flats grouped by building and unit
// (<optgroup data-building data-unit>); with it, three linked lists — building, unit, room —
// and the room list keeps the form's name, so the server reads the same field either way.
document.querySelectorAll('select[data-room-picker]').forEach(function (rooms) {
  var groups = Array.prototype.slice.call(rooms.querySelectorAll('optgroup'));
  if (!groups.length) { return; }
  var blank = rooms.options[0].cloneNode(true);
  var chosen = rooms.value;
  function list(id, text) {
    var label = document.createElement('label');
    label.htmlFor = rooms.id + '-' + id;
    label.textContent = text;
    var s = document.createElement('select');
    s.id = rooms.id + '-' + id;
    rooms.parentNode.insertBefore(label, rooms);
    rooms.parentNode.insertBefore(s, rooms);
    return s;
  }
  function option(value, text) {
    var o = document.createElement('option');
    o.value = value; o.textContent = text;
    return o;
  }
  var building = list('building', rooms.getAttribute('data-building-label'));
  var unit = list('unit', rooms.getAttribute('data-unit-label'));
  var roomLabel = document.createElement('label');
  roomLabel.htmlFor = rooms.id;
  roomLabel.textContent = rooms.getAttribute('data-room-label');
  rooms.parentNode.insertBefore(roomLabel, rooms);
  var names = [];
  groups.forEach(function (g) {
    var b = g.getAttribute('data-building');
    if (names.indexOf(b) < 0) { names.push(b); building.appendChild(option(b, b)); }
  });
  function fillRooms() {
    var g = groups[Number(unit.value)];
    rooms.textContent = '';
    rooms.appendChild(blank.cloneNode(true));
    Array.prototype.forEach.call(g.children, function (o) { rooms.appendChild(o.cloneNode(true)); });
  }
  function fillUnits() {
    unit.textContent = '';
    groups.forEach(function (g, i) {
      if (g.getAttribute('data-building') === building.value) { unit.appendChild(option(String(i), g.getAttribute('data-unit'))); }
    });
    fillRooms();
  }
  building.addEventListener('change', fillUnits);
  unit.addEventListener('change', fillRooms);
  var start = groups.findIndex(function (g) { return g.querySelector('option[value="' + chosen + '"]'); });
  if (start >= 0) { building.value = groups[start].getAttribute('data-building'); }
  fillUnits();
  if (start >= 0) { unit.value = String(start); fillRooms(); rooms.value = chosen; }
});
