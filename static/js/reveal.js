// Conditional reveal for several radios sharing one block (GOV.UK's own
// reveal gives each radio its own block): an element with
// data-reveal-for="<radio name>" and data-reveal-values="yes suspected" is
// shown only while one of those values is chosen. Without JavaScript every
// block stays shown.
function sync(block) {
  const form = block.closest("form") ?? document;
  const values = block.dataset.revealValues.split(" ");
  const chosen = form.querySelector(`input[type=radio][name="${block.dataset.revealFor}"]:checked`);
  const shown = chosen !== null && values.includes(chosen.value);
  block.hidden = !shown;
}

export function initReveals(root = document) {
  const blocks = [...root.querySelectorAll("[data-reveal-for]")];
  for (const block of blocks) {
    sync(block);
    const form = block.closest("form") ?? document;
    for (const radio of form.querySelectorAll(`input[type=radio][name="${block.dataset.revealFor}"]`)) {
      if (block.dataset.revealValues.split(" ").includes(radio.value)) radio.setAttribute("aria-controls", block.id);
      radio.addEventListener("change", () => sync(block));
    }
  }
}
