/** An error whose message is written for the person calling the Hub, with the HTTP status it maps to. */
export class HubError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'HubError';
    this.status = status;
  }
}

export const badRequest = (message: string) => new HubError(400, message);
export const notFound = (message: string) => new HubError(404, message);
export const conflict = (message: string) => new HubError(409, message);
