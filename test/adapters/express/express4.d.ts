// Express 4 is installed under the alias "express4" for the tests; its API is typed with the
// Express 5 types, close enough for what the tests call.
declare module "express4" {
  import express from "express";
  export default express;
}
