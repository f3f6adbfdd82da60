// The service's only JavaScript. It is an enhancement: every page works fully
// without it.
//
// "Exit this page" (markup and styles from GOV.UK Frontend's Exit This Page
// component; this is a small re-implementation of its behaviour).
//
// Without JavaScript the button is an ordinary link to /exit, which clears the
// session and redirects to a neutral website. With JavaScript:
//   - clicking the button (or the "Exit this page" skip link), or pressing
//     Shift 3 times within 5 seconds anywhere on the page, hides the page at
//     once and calls location.replace(), so this page is replaced in the
//     browser history and the Back button does not return to it;
//   - dots on the button show how many Shift presses have been counted, and a
//     visually hidden status message tells screen reader users.
//
// Translated messages come from data-i18n.* attributes on the component,
// rendered by the server (templates/base.html).

const TIMEOUT_MS = 5000

const $root = document.querySelector('.govuk-exit-this-page')
const $button = $root && $root.querySelector('.govuk-exit-this-page__button')

if ($button instanceof HTMLAnchorElement) {
  const exitUrl = $button.href || '/exit'

  /** @param {string} key - camelCase message name */
  const t = (key) =>
    $root.getAttribute('data-i18n.' + key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())) || ''

  // Visually hidden live region for screen reader announcements.
  const $status = document.createElement('span')
  $status.setAttribute('role', 'status')
  $status.className = 'govuk-visually-hidden'
  $root.appendChild($status)

  // Three indicator lights inside the button, lit one per Shift press.
  const $indicator = document.createElement('span')
  $indicator.className = 'govuk-exit-this-page__indicator'
  $indicator.setAttribute('aria-hidden', 'true')
  for (let i = 0; i < 3; i++) {
    const $light = document.createElement('span')
    $light.className = 'govuk-exit-this-page__indicator-light'
    $indicator.appendChild($light)
  }
  $button.appendChild($indicator)

  let presses = 0
  let lastKeyWasModified = false
  let pressTimer = 0
  let messageTimer = 0
  let $overlay = null

  const showPresses = () => {
    $indicator.classList.toggle('govuk-exit-this-page__indicator--visible', presses > 0)
    $indicator.childNodes.forEach(($light, i) => {
      $light.classList.toggle('govuk-exit-this-page__indicator-light--on', i < presses)
    })
  }

  const exitPage = () => {
    // Hide everything straight away, in case the next page is slow to load.
    $status.textContent = ''
    document.body.classList.add('govuk-exit-this-page-hide-content')
    $overlay = document.createElement('div')
    $overlay.className = 'govuk-exit-this-page-overlay'
    $overlay.setAttribute('role', 'alert')
    $overlay.textContent = t('activated')
    document.body.appendChild($overlay)
    // replace(), not assign(): this page leaves the session history.
    window.location.replace(exitUrl)
  }

  // The button and the skip link (if present) exit on click.
  document.addEventListener('click', (event) => {
    const $target = event.target instanceof Element &&
      event.target.closest('.govuk-js-exit-this-page-button, .govuk-js-exit-this-page-skiplink')
    if ($target) {
      event.preventDefault()
      exitPage()
    }
  })

  // The button is a link with role="button" (GOV.UK markup), so make Space
  // work on it as it does on a real button.
  $button.addEventListener('keydown', (event) => {
    if (event.key === ' ') {
      event.preventDefault()
      exitPage()
    }
  })

  const resetPresses = () => {
    window.clearTimeout(pressTimer)
    pressTimer = 0
    presses = 0
    showPresses()
    $status.textContent = t('timedOut')
    messageTimer = window.setTimeout(() => { $status.textContent = '' }, TIMEOUT_MS)
  }

  // Shift pressed 3 times (on its own, not as part of typing a capital
  // letter) within TIMEOUT_MS of each other exits. Any other key in between
  // starts the count again.
  document.addEventListener('keyup', (event) => {
    if (event.key === 'Shift' && !lastKeyWasModified) {
      presses += 1
      showPresses()
      window.clearTimeout(messageTimer)
      if (presses >= 3) {
        window.clearTimeout(pressTimer)
        presses = 0
        exitPage()
      } else {
        $status.textContent = t(presses === 1 ? 'pressTwoMoreTimes' : 'pressOneMoreTime')
        window.clearTimeout(pressTimer)
        pressTimer = window.setTimeout(resetPresses, TIMEOUT_MS)
      }
    } else if (pressTimer) {
      resetPresses()
    }
    lastKeyWasModified = event.shiftKey
  }, true)

  // If the browser restores this page from its back/forward cache, show it
  // again rather than a blank "Loading" screen.
  window.addEventListener('pageshow', () => {
    document.body.classList.remove('govuk-exit-this-page-hide-content')
    if ($overlay) $overlay.remove()
    $overlay = null
    presses = 0
    window.clearTimeout(pressTimer)
    window.clearTimeout(messageTimer)
    pressTimer = 0
    $status.textContent = ''
    showPresses()
  })
}

// Print buttons (the receipt): hidden without JavaScript, where the page says to
// use the browser's own Print instead.
document.querySelectorAll('[data-module="app-print"]').forEach(($print) => {
  $print.hidden = false
  $print.addEventListener('click', () => window.print())
})

// GOV.UK conditional reveals ("Other, say what"): without JavaScript every
// follow-up question simply shows; with it, each shows only under its choice.
document.querySelectorAll('input[data-aria-controls]').forEach(($input) => {
  const $target = document.getElementById($input.getAttribute('data-aria-controls'))
  if (!$target || !$input.form) return
  // (No aria-expanded: it is not allowed on a radio or a checkbox.)
  const sync = () => { $target.hidden = !$input.checked }
  $input.setAttribute('aria-controls', $target.id)
  $input.form.addEventListener('change', sync)
  sync()
})
