// The settings form: the server checks it (one set of rules for page and API) and the errors
// appear beside their fields; only a valid form navigates to its permalink.

function fieldFor(form, name) {
  const error = form.querySelector(`#error-${CSS.escape(name)}`);
  const field = error && error.closest(".field");
  return { error, input: field && field.querySelector("input, select") };
}

export function showErrors(form, errors) {
  for (const error of form.querySelectorAll(".field-error")) {
    error.hidden = true;
    error.textContent = "";
  }
  for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  let first = null;
  for (const [name, message] of Object.entries(errors)) {
    const { error, input } = fieldFor(form, name);
    const target = error || form.querySelector("#error-form");
    target.textContent = message;
    target.hidden = false;
    if (input) {
      input.setAttribute("aria-invalid", "true");
      first = first || input;
    }
  }
  if (first) first.focus();
}

export function wireSettings(form) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const query = new URLSearchParams(new FormData(form)).toString();
    try {
      const response = await fetch(`/check?${query}`);
      const { errors } = await response.json();
      if (Object.keys(errors).length) {
        showErrors(form, errors);
        return;
      }
    } catch {
      // Offline checks failed: let the server page report any error itself.
    }
    window.location.assign(`${form.action}?${query}`);
  });
  form.addEventListener("input", (event) => {
    const field = event.target.closest(".field");
    const error = field && field.querySelector(".field-error");
    if (error && !error.hidden) {
      error.hidden = true;
      event.target.removeAttribute("aria-invalid");
    }
  });
}
