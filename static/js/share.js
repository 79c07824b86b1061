// Verify's "Copy link" and "Share" buttons: shown only where they can work, nothing needs them.
(function () {
  "use strict";
  var box = document.querySelector("[data-share]");
  if (!box) { return; }
  var link = box.querySelector("[data-share-link]");
  var buttons = box.querySelector("[data-share-buttons]");
  var copy = box.querySelector("[data-copy]");
  var share = box.querySelector("[data-share-button]");
  var done = box.querySelector("[data-share-done]");
  var url = link.href;
  if (navigator.clipboard && window.isSecureContext) {
    buttons.hidden = false;
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(url).then(function () { done.textContent = copy.dataset.copiedText; });
    });
  } else {
    copy.hidden = true;
  }
  if (navigator.share) {
    buttons.hidden = false;
    share.hidden = false;
    share.addEventListener("click", function () {
      navigator.share({ title: share.dataset.shareTitle || document.title, url: url }).catch(function () {});
    });
  }
}());
