// Builds the front-end assets: `npm run build`.
//
//   static/src/app.scss -> static/build/app.css  (compressed, GOV.UK Frontend Sass)
//   static/src/app.js   -> static/build/app.js   (copied as is: small, hand-written)
//   static/src/passkeys.js -> static/build/passkeys.js (the same; only the key holders' passkey pages load it)
//   pictures named in templates and question data -> static/build/icons/ (Easy Read, from bootstrap-icons)
//
// Silent on success, non-zero exit with a message on failure. Deterministic:
// no timestamps, no source maps, same input -> same bytes.

import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as sass from 'sass'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const src = join(root, 'static', 'src')
const out = join(root, 'static', 'build')

function fail (message) {
  process.stderr.write(`build: ${message}\n`)
  process.exit(1)
}

mkdirSync(out, { recursive: true })

// --- CSS -------------------------------------------------------------------
const warnings = []
let css
try {
  css = sass.compile(join(src, 'app.scss'), {
    style: 'compressed',
    sourceMap: false,
    charset: false,
    // Resolves `pkg:govuk-frontend/...` through node_modules and the
    // package's "exports" (GOV.UK Frontend's documented way to load its Sass).
    importers: [new sass.NodePackageImporter(root)],
    // Warnings from inside GOV.UK Frontend are its maintainers' business...
    quietDeps: true,
    // ...but any warning from our own Sass fails the build.
    logger: {
      warn (message, { span }) {
        warnings.push(span ? `${span.url}:${span.start.line + 1}: ${message}` : message)
      },
      debug () {}
    }
  }).css
} catch (error) {
  fail(error.message)
}
if (warnings.length) fail(`Sass warnings:\n${warnings.join('\n')}`)

// Nothing GOV.UK-branded and nothing pointing at a missing file.
if (/GDS Transport|@font-face/.test(css)) fail('app.css still contains the GDS Transport font')
for (const [, raw] of css.matchAll(/url\(\s*([^)]*?)\s*\)/g)) {
  const ref = raw.replace(/^["']|["']$/g, '')
  if (ref.startsWith('data:') || ref.startsWith('#')) continue
  if (/^[a-z]+:|^\/\//i.test(ref)) fail(`app.css refers to another host: ${ref}`)
  if (!existsSync(join(out, ref.split(/[?#]/)[0]))) fail(`app.css refers to a missing file: ${ref}`)
}

writeFileSync(join(out, 'app.css'), css + '\n')

// --- JS --------------------------------------------------------------------
copyFileSync(join(src, 'app.js'), join(out, 'app.js'))
copyFileSync(join(src, 'passkeys.js'), join(out, 'passkeys.js'))

// Guard against the file being emptied by accident.
if (!readFileSync(join(out, 'app.js'), 'utf8').includes('location.replace')) {
  fail('app.js does not implement the exit (location.replace)')
}

// --- Easy Read pictures ------------------------------------------------------
// Every icon a template names in `pictured("name", ...)` (templates/_layout_parts.html),
// and every `Picture("name", ...)` of the questions' data (reporting/, such as each
// step's picture in reporting/reports/questions.py), is copied from Bootstrap Icons
// (MIT, npm `bootstrap-icons`) to static/build/icons/, with the licence beside them.
// A name that is not in the set fails the build.
const icons = join(root, 'node_modules', 'bootstrap-icons', 'icons')
const iconsOut = join(out, 'icons')
mkdirSync(iconsOut, { recursive: true })
const wanted = new Set()
const sources = [
  ['templates', '.html', /pictured\(\s*["']([a-z0-9-]+)["']/g],
  ['reporting', '.py', /\bPicture\(\s*["']([a-z0-9-]+)["']/g]
]
for (const [folder, ending, pattern] of sources) {
  for (const file of readdirSync(join(root, folder), { recursive: true })) {
    if (!String(file).endsWith(ending)) continue
    const text = readFileSync(join(root, folder, String(file)), 'utf8')
    for (const [, name] of text.matchAll(pattern)) wanted.add(name)
  }
}
for (const name of wanted) {
  const from = join(icons, `${name}.svg`)
  if (!existsSync(from)) fail(`Easy Read picture "${name}" is not in bootstrap-icons`)
  copyFileSync(from, join(iconsOut, `${name}.svg`))
}
copyFileSync(join(root, 'node_modules', 'bootstrap-icons', 'LICENSE'), join(iconsOut, 'LICENSE.txt'))
