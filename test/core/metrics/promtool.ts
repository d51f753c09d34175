/**
 * Runs `promtool check metrics` (Debian package `prometheus`) over exposition text.
 * Missing promtool fails loudly under CI and skips with a warning elsewhere.
 */
export const PROMTOOL = Bun.which("promtool")

export const requirePromtool = (): boolean => {
  if (PROMTOOL !== null) return true
  if (process.env.CI) throw new Error("promtool not found: CI must `apt-get install -y prometheus`")
  console.warn("\n⚠️  promtool not found (apt-get install -y prometheus): skipping the exposition lint\n")
  return false
}

export const promtoolCheck = async (text: string): Promise<{ code: number; output: string }> => {
  const proc = Bun.spawn([PROMTOOL!, "check", "metrics"], { stdin: "pipe", stdout: "pipe", stderr: "pipe" })
  proc.stdin.write(text)
  await proc.stdin.end()
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ])
  return { code, output: stdout + stderr }
}
