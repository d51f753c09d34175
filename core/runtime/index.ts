export { runMain, type RunMainOptions } from "./run-main.ts"
