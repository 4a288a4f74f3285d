/**
 * Runs an async handler so that a rejection reaches the error handler on Express 4 as on Express 5
 * (Express 4 ignores returned promises; an unhandled rejection would crash or hang the request).
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';

export function asyncHandler(handler: (req: Request, res: Response, next: NextFunction) => Promise<unknown>): RequestHandler {
  return (req, res, next) => {
    handler(req, res, next).catch(next);
  };
}
