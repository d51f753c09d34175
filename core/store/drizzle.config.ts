import { defineConfig } from "drizzle-kit"

export default defineConfig({
  dialect: "sqlite",
  schema: "./core/store/tables.ts",
  out: "./core/store/migrations",
})
