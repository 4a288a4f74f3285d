/**
 * `node --import ./test/support/withoutIoredis.mjs …`: the process sees no `ioredis` package, as after a plain
 * `npm install` (ioredis is an optional peer dependency). Module hooks run last-registered first, so this one
 * answers before tsx's.
 */
import { register } from 'node:module';

const hook = `export async function resolve(specifier, context, next) {
  if (specifier === 'ioredis' || specifier.startsWith('ioredis/')) {
    const error = new Error("Cannot find package 'ioredis' imported from " + context.parentURL);
    error.code = 'ERR_MODULE_NOT_FOUND';
    throw error;
  }
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
