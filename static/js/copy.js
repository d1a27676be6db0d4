// A "Copy" button beside each show-once address: <button data-copy="ID" hidden>.
// Shown only where it can work (script on, clipboard there); the address stays selectable.
(function () {
  "use strict";
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.dataset.copy);
    if (!field || !navigator.clipboard) { return; }
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        button.textContent = button.dataset.copied || label;
        setTimeout(function () { button.textContent = label; }, 2000);
      }, function () {
        field.select();  // the clipboard refused: select it for Ctrl+C
      });
    });
    field.addEventListener("focus", function () { field.select(); });
  });
}());
