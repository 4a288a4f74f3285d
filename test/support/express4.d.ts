// `express4` is Express 4 installed under an alias for the peer-range smoke test; its API is typed like Express's.
declare module 'express4' {
  import express from 'express';
  export default express;
}
