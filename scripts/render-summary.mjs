#!/usr/bin/env node
// Renders job summary Markdown (the action's real output, from the golden files) the way GitHub
// shows it, as docs/<name>.html and a docs/<name>.png screenshot, and checks the rendered DOM.
//
//   npm run docs:summary                        the two golden summaries
//   npm run docs:summary -- path/to/summary.md  any summary the action wrote
//
// Needs headless Chromium (Debian: apt-get install chromium; or set CHROMIUM=/path/to/chrome).
// Offline by design: marked for GFM, our own CSS, and Mermaid pies drawn as inline SVG, because
// Mermaid itself is not installed. Not part of npm test.

import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Marked } from 'marked'
import * as prettier from 'prettier'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const OUT_DIR = path.join(ROOT, 'docs')
const WIDTH = 1100
const MAX_PNG_BYTES = 500 * 1024

/** What the screenshots of the golden files must show; other files are held to their own source. */
const DEFAULTS = [
  {
    file: '__tests__/golden/summary-baseline.md',
    expect: { headline: 'Compliance gate failed', decision: 'rollback', score: '62.5' }
  },
  {
    file: '__tests__/golden/summary-fail.md',
    expect: { headline: 'Compliance gate failed', decision: 'rollback', score: '62.5' }
  }
]

// ---------------------------------------------------------------------------------------------
// Mermaid pie → SVG. GitHub draws a ```mermaid block as a diagram; we draw the one kind the
// action writes (`pie`), from its `"label" : number` lines, in Mermaid's default light colours.

const PIE_COLOURS = ['#ececff', '#ffffde', '#e6ffcc', '#d8d8ff', '#ffe4b3', '#cce6ff', '#ffd6e0', '#e0e0e0']

const xml = s =>
  String(s).replace(
    /[&<>"']/g,
    c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]
  )

/** Numbers in the SVG with two decimals at most, so the output is byte-for-byte stable. */
const n = v => String(Math.round(v * 100) / 100)

export function parsePie(source) {
  const lines = source.split('\n').map(l => l.trim())
  const header = lines.find(l => l !== '' && !l.startsWith('%%'))
  const head = header?.match(/^pie\b(\s+showData)?(?:\s+title\s+(.*))?$/)
  if (!head) return undefined
  const titleLine = lines.find(l => /^title\s+/.test(l))
  const title = head[2] ?? titleLine?.replace(/^title\s+/, '')
  const slices = []
  for (const line of lines) {
    const m = line.match(/^"([^"]*)"\s*:\s*(\d+(?:\.\d+)?)$/)
    if (m) slices.push({ label: m[1], value: Number(m[2]) })
  }
  return { title, showData: Boolean(head[1]), slices }
}

export function pieSvg({ title, showData, slices }) {
  const r = 110
  const cx = 130
  const top = title ? 44 : 16
  const cy = top + r
  const total = slices.reduce((sum, s) => sum + s.value, 0)
  const legendX = cx + r + 40
  const legend = slices.map(s => (showData ? `${s.label} [${n(s.value)}]` : s.label))
  const width = legendX + 22 + Math.max(...legend.map(l => l.length), 0) * 8.5 + 16
  const height = cy + r + 16
  const parts = []
  let angle = -Math.PI / 2
  slices.forEach((s, i) => {
    if (total <= 0 || s.value <= 0) return
    const colour = PIE_COLOURS[i % PIE_COLOURS.length]
    const sweep = (s.value / total) * 2 * Math.PI
    if (s.value === total) {
      parts.push(`<circle cx="${cx}" cy="${cy}" r="${r}" fill="${colour}" stroke="#000" stroke-width="2" />`)
    } else {
      const [x1, y1] = [cx + r * Math.cos(angle), cy + r * Math.sin(angle)]
      const [x2, y2] = [cx + r * Math.cos(angle + sweep), cy + r * Math.sin(angle + sweep)]
      const large = sweep > Math.PI ? 1 : 0
      parts.push(
        `<path d="M${cx},${cy} L${n(x1)},${n(y1)} A${r},${r} 0 ${large} 1 ${n(x2)},${n(y2)} Z" fill="${colour}" stroke="#000" stroke-width="2" />`
      )
    }
    const mid = angle + sweep / 2
    const [tx, ty] = [cx + r * 0.6 * Math.cos(mid), cy + r * 0.6 * Math.sin(mid)]
    const percent = Math.round((s.value / total) * 100)
    parts.push(
      `<text x="${n(tx)}" y="${n(ty)}" text-anchor="middle" dominant-baseline="middle" font-size="16">${percent}%</text>`
    )
    angle += sweep
  })
  const legendTop = cy - (slices.length * 24) / 2
  slices.forEach((s, i) => {
    const y = legendTop + i * 24
    parts.push(
      `<rect x="${legendX}" y="${n(y)}" width="16" height="16" fill="${PIE_COLOURS[i % PIE_COLOURS.length]}" stroke="#000" />`,
      `<text x="${legendX + 24}" y="${n(y + 13)}" font-size="15">${xml(legend[i])}</text>`
    )
  })
  if (title)
    parts.unshift(`<text x="${n(width / 2)}" y="26" text-anchor="middle" font-size="20">${xml(title)}</text>`)
  const label = `${title ?? 'Pie chart'}: ${slices.map(s => `${s.label} ${n(s.value)}`).join(', ')}`
  return `<svg class="pie" role="img" aria-label="${xml(label)}" xmlns="http://www.w3.org/2000/svg" width="${Math.ceil(width)}" height="${height}" viewBox="0 0 ${Math.ceil(width)} ${height}" font-family="trebuchet ms, verdana, arial, sans-serif">${parts.join('')}</svg>`
}

// ---------------------------------------------------------------------------------------------
// Markdown → HTML, as GitHub renders a job summary: GFM with tables, raw HTML passed through
// (the action puts <details> and <br> in table cells), and Mermaid blocks as diagrams.

const marked = new Marked({ gfm: true, breaks: false })
marked.use({
  renderer: {
    code({ text, lang }) {
      if (lang !== 'mermaid') return false
      const pie = parsePie(text)
      if (!pie) return false
      return `<div class="mermaid-diagram">${pieSvg(pie)}</div>\n`
    }
  }
})

const CSS = `
html { background: #fff; }
body { margin: 0; }
.markdown-body {
  box-sizing: border-box; max-width: 1012px; margin: 0 auto; padding: 24px 32px 32px;
  font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif,
    "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji";
  font-size: 16px; line-height: 1.5; color: #1f2328; word-wrap: break-word;
}
.markdown-body > *:first-child { margin-top: 0 !important; }
.markdown-body > *:last-child { margin-bottom: 0 !important; }
.markdown-body p, .markdown-body blockquote, .markdown-body ul, .markdown-body ol, .markdown-body table,
.markdown-body pre, .markdown-body details, .markdown-body .mermaid-diagram { margin-top: 0; margin-bottom: 16px; }
.markdown-body h2, .markdown-body h3, .markdown-body h4 { margin-top: 24px; margin-bottom: 16px; font-weight: 600; line-height: 1.25; }
.markdown-body h2 { font-size: 1.5em; padding-bottom: .3em; border-bottom: 1px solid #d1d9e0b3; }
.markdown-body h3 { font-size: 1.25em; }
.markdown-body h4 { font-size: 1em; }
.markdown-body strong { font-weight: 600; }
.markdown-body a { color: #0969da; text-decoration: underline; text-underline-offset: .2rem; }
.markdown-body ul { padding-left: 2em; }
.markdown-body li + li { margin-top: .25em; }
.markdown-body blockquote { padding: 0 1em; color: #59636e; border-left: .25em solid #d1d9e0; margin-left: 0; margin-right: 0; }
.markdown-body code {
  padding: .2em .4em; margin: 0; font-size: 85%; white-space: break-spaces; background: #818b981f; border-radius: 6px;
  font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
}
.markdown-body pre { padding: 16px; overflow: auto; font-size: 85%; line-height: 1.45; background: #f6f8fa; border-radius: 6px; }
.markdown-body pre code { padding: 0; background: transparent; font-size: 100%; }
.markdown-body table { display: block; width: max-content; max-width: 100%; overflow: auto; border-spacing: 0; border-collapse: collapse; }
.markdown-body table th { font-weight: 600; }
.markdown-body table th, .markdown-body table td { padding: 6px 13px; border: 1px solid #d1d9e0; }
.markdown-body table tr { background: #fff; border-top: 1px solid #d1d9e0b3; }
.markdown-body table tr:nth-child(2n) { background: #f6f8fa; }
.markdown-body details summary { cursor: pointer; display: list-item; }
.markdown-body td details { margin: 0; }
.markdown-body .mermaid-diagram { display: flex; justify-content: center; padding: 8px 0; }
`

/** The page runs nothing and loads nothing: a summary with a surprise in it shows as text. */
const CSP = "default-src 'none'; style-src 'unsafe-inline'"

export function pageHtml(title, markdown) {
  const body = marked.parse(markdown)
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${xml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<article class="markdown-body">
${body}
</article>
</body>
</html>
`
}

// ---------------------------------------------------------------------------------------------
// Chromium: measure the page, screenshot it at that height, dump the DOM for the checks.

function findChromium() {
  const candidates = process.env.CHROMIUM
    ? [process.env.CHROMIUM]
    : ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']
  for (const bin of candidates) {
    const probe = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 30_000 })
    if (!probe.error && probe.status === 0) return bin
  }
  return undefined
}

function chromium(bin, profile, args) {
  const run = spawnSync(
    bin,
    [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--hide-scrollbars',
      '--force-device-scale-factor=1',
      '--no-first-run',
      '--disable-extensions',
      `--user-data-dir=${profile}`,
      ...args
    ],
    { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }
  )
  if (run.error || run.status !== 0)
    throw new Error(`chromium ${args.join(' ')} failed: ${run.error?.message ?? run.stderr.trim()}`)
  return run.stdout
}

/** The page's full height at WIDTH, read back from a copy that writes it into the DOM. */
function measureHeight(bin, profile, html, scratch) {
  const probe = path.join(scratch, 'measure.html')
  // only this one script may run (by nonce), so an inline handler in the summary still cannot
  const script =
    '<script nonce="measure">addEventListener("load",()=>{document.documentElement.dataset.height=Math.ceil(document.documentElement.getBoundingClientRect().height)})</script>'
  const probeHtml = html
    .replace(CSP, `${CSP}; script-src 'nonce-measure'`)
    .replace('</body>', `${script}</body>`)
  if (!probeHtml.includes("'nonce-measure'"))
    throw new Error('the page has no Content-Security-Policy to extend')
  writeFileSync(probe, probeHtml)
  const dom = chromium(bin, profile, [`--window-size=${WIDTH},800`, '--dump-dom', pathToFileURL(probe).href])
  const height = Number(dom.match(/data-height="(\d+)"/)?.[1])
  if (!Number.isFinite(height) || height <= 0) throw new Error('could not measure the page height')
  return height
}

/** The visible text of a dumped DOM, for "does it say X" checks. */
function domText(dom) {
  return dom
    .replace(/<(style|script)\b[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
}

/** What a summary must show, read from its own Markdown when it is not one of the golden files. */
function expectationsFrom(markdown) {
  return {
    headline: markdown
      .match(/^##\s+(.*)$/m)?.[1]
      .replace(/^\S+\s+/, '')
      .split(' — ')[0],
    decision: markdown.match(/^\| Decision \| \*\*(\w+)\*\* \|/m)?.[1],
    score: markdown.match(/^\| Score \| ([^|(]*?)\s*[|(]/m)?.[1]
  }
}

function checks(dom, expect, markdown) {
  const text = domText(dom)
  const results = []
  const check = (ok, what) => results.push({ ok: Boolean(ok), what })
  const escape = v => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const headline = domText(dom.match(/<h2\b[^>]*>([\s\S]*?)<\/h2>/)?.[1] ?? '')
  check(expect.headline && headline.includes(expect.headline), `headline "${expect.headline}" in the <h2>`)
  check(
    expect.decision && new RegExp(`Decision ${escape(expect.decision)}\\b`).test(text),
    `decision "${expect.decision}"`
  )
  check(
    expect.score && new RegExp(`Score ${escape(expect.score)}(?![\\d.])`).test(text),
    `score ${expect.score}`
  )
  check(!/<a\b[^>]*\bhref\s*=\s*["']?\s*javascript:/i.test(dom), 'no <a href="javascript:…">')
  check(!/<img\b/i.test(dom), 'no live <img>')
  check(!/<script\b/i.test(dom), 'no <script>')
  check(/<table\b/.test(dom), 'tables rendered as <table>')
  check(!/```|\|---\|/.test(text), 'no raw Markdown left (fences, table rules)')
  if (/^```mermaid\s*\n\s*pie\b/m.test(markdown))
    check(/<svg class="pie"[^>]*>[\s\S]*?<(path|circle)\b/.test(dom), 'Mermaid pie drawn as SVG')
  if (/<details\b/i.test(markdown)) {
    const details = dom.match(/<details\b[^>]*>/gi) ?? []
    check(details.length > 0 && details.every(d => !/\bopen\b/.test(d)), '<details> present and collapsed')
  }
  return results
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const args = process.argv.slice(2)
  const jobs = args.length
    ? args.map(file => ({ file, expect: undefined }))
    : DEFAULTS.map(d => ({ ...d, file: path.join(ROOT, d.file) }))

  const bin = findChromium()
  if (!bin) {
    console.error(
      [
        'FAIL headless Chromium not found (looked for ' +
          (process.env.CHROMIUM ?? 'chromium, chromium-browser, google-chrome, google-chrome-stable') +
          ').',
        '     Install it, e.g. on Debian/Ubuntu:  sudo apt-get install chromium',
        '     or point CHROMIUM at a Chrome/Chromium binary:  CHROMIUM=/path/to/chrome npm run docs:summary'
      ].join('\n')
    )
    process.exit(1)
  }

  mkdirSync(OUT_DIR, { recursive: true })
  const scratch = mkdtempSync(path.join(tmpdir(), 'render-summary-'))
  const profile = path.join(scratch, 'profile')
  let failed = false
  try {
    for (const job of jobs) {
      const markdown = readFileSync(job.file, 'utf8')
      const name = path.basename(job.file, '.md')
      const htmlPath = path.join(OUT_DIR, `${name}.html`)
      const pngPath = path.join(OUT_DIR, `${name}.png`)
      const raw = pageHtml(`Job summary: ${name}`, markdown)
      // formatted so the generated file passes the repository's prettier --check
      const html = await prettier.format(raw, {
        ...(await prettier.resolveConfig(htmlPath)),
        filepath: htmlPath
      })
      writeFileSync(htmlPath, html)

      console.log(`${name}: ${path.relative(ROOT, htmlPath)}, ${path.relative(ROOT, pngPath)}`)
      let height, dom
      try {
        height = measureHeight(bin, profile, html, scratch)
        const url = pathToFileURL(htmlPath).href
        chromium(bin, profile, [`--window-size=${WIDTH},${height}`, `--screenshot=${pngPath}`, url])
        dom = chromium(bin, profile, [`--window-size=${WIDTH},${height}`, '--dump-dom', url])
      } catch (err) {
        console.log(`  FAIL ${err.message}`)
        failed = true
        continue
      }

      const results = checks(dom, job.expect ?? expectationsFrom(markdown), markdown)
      const size = existsSync(pngPath) ? statSync(pngPath).size : 0
      results.push({
        ok: size > 0 && size < MAX_PNG_BYTES,
        what: `screenshot ${WIDTH}x${height}, ${Math.round(size / 1024)} KB (< ${MAX_PNG_BYTES / 1024} KB)`
      })
      for (const r of results) console.log(`  ${r.ok ? 'PASS' : 'FAIL'} ${r.what}`)
      failed ||= results.some(r => !r.ok)
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
  process.exit(failed ? 1 : 0)
}

await main()
