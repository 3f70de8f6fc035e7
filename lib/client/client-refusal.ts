// A request the client refuses before sending it (the balance does not cover the deposit, the update
// changes nothing): the CLI reports it like the API's own refusals (exit 2).
export class ClientRefusalError extends Error {
  override name = "ClientRefusalError";
}
