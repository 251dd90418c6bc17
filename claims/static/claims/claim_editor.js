// "Create a claim from the selected text": turn the editor's selection inside the
// article text into start/end offsets of Article.text, for the hidden form fields.
//
// The server renders the text so that the text content of #article-text is exactly
// Article.text (claims/highlighting.py) and says how long it is in data-length. Offsets
// are counted in code points, as Python counts them; JavaScript strings count UTF-16
// units, so lengths go through Array.from. The server checks the span again.
"use strict";

(function () {
  const article = document.getElementById("article-text");
  const form = document.getElementById("claim-create");
  if (!article || !form) {
    return;
  }
  const startField = form.elements.namedItem("span_start");
  const endField = form.elements.namedItem("span_end");
  const submit = form.querySelector("[type=submit]");
  const preview = document.getElementById("claim-create-selection");
  const codePoints = (text) => Array.from(text).length;
  const characters = Array.from(article.textContent);
  const length = Number(article.dataset.length);

  if (characters.length !== length) {
    // Something (a browser extension?) changed the text: offsets would be wrong.
    preview.textContent = "The article text on this page was changed; reload the page.";
    return;
  }

  // The offset in Article.text of a boundary point of a range.
  function offsetOf(node, offset) {
    if (!article.contains(node)) {
      const before = article.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_PRECEDING;
      return before ? 0 : length;
    }
    const range = document.createRange();
    range.setStart(article, 0);
    range.setEnd(node, offset);
    return codePoints(range.toString());
  }

  // Keep the last selection made inside the article: clicking the button may clear it.
  function remember() {
    const selection = document.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) {
      return;
    }
    const range = selection.getRangeAt(0);
    if (!range.intersectsNode(article)) {
      return;
    }
    const start = offsetOf(range.startContainer, range.startOffset);
    const end = offsetOf(range.endContainer, range.endOffset);
    const chosen = characters.slice(start, end);
    if (end <= start || chosen.join("").trim() === "") {
      return;
    }
    startField.value = String(start);
    endField.value = String(end);
    const shown = chosen.length > 160 ? chosen.slice(0, 160).join("") + "…" : chosen.join("");
    preview.textContent = `“${shown}”`;
    submit.disabled = false;
  }

  // Selections change many times a second while the mouse drags; look once it rests.
  let pending = 0;
  document.addEventListener("selectionchange", () => {
    clearTimeout(pending);
    pending = setTimeout(remember, 100);
  });
})();
