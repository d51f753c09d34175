export { loggingLayer } from "./logging.ts"
