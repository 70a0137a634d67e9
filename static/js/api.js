// The one way the page asks the server: JSON in, JSON out, one error shape, cancellation by an
// AbortSignal. Every request of every script goes through `postJSON` (or `getJSON`).

export class ApiError extends Error {
  // status: the HTTP status (0 when no answer came); errors: [{field, message}] as the API sends them.
  constructor(status, message, errors = []) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.errors = errors;
  }
}

async function request(url, init) {
  let response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(0, "The server did not answer: check the connection and try again.");
  }
  const data = await response.json().catch(() => null);
  if (response.ok && data !== null) return data;
  const errors = (data && data.errors) || [];
  const first = errors[0];
  const message = first ? `${first.field}: ${first.message}` : (data && data.error) || `HTTP ${response.status}`;
  throw new ApiError(response.status, message, errors);
}

export function postJSON(url, body, { signal } = {}) {
  return request(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body), signal });
}

export function getJSON(url, { signal } = {}) {
  return request(url, { signal });
}
