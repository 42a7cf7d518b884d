/**
 * Names that Vant leaves out, added to its rendered DOM: Vant's Stepper has no props for its buttons' and input's
 * accessible names, and Tabs without panels point aria-controls at panels that are never rendered. One observer
 * fixes every instance on every page (axe's button-name, label and aria-valid-attr-value rules), in the app's language.
 */
type Translate = (key: string) => string

export function nameVantControls(root: ParentNode, t: Translate) {
  for (const stepper of root.querySelectorAll<HTMLElement>('.van-stepper')) {
    const label = stepper.getAttribute('aria-label') || t('common.quantity')
    set(stepper.querySelector('.van-stepper__minus'), 'aria-label', `${t('a11y.decrease')} ${label}`)
    set(stepper.querySelector('.van-stepper__plus'), 'aria-label', `${t('a11y.increase')} ${label}`)
    set(stepper.querySelector('.van-stepper__input'), 'aria-label', label)
  }
  for (const tab of root.querySelectorAll<HTMLElement>('[role=tab][aria-controls]')) {
    const id = tab.getAttribute('aria-controls')!
    if (!document.getElementById(id)) tab.removeAttribute('aria-controls')
  }
}

function set(el: Element | null, name: string, value: string) {
  if (el && el.getAttribute(name) !== value) el.setAttribute(name, value)
}

export function installA11yNames(t: Translate) {
  if (typeof MutationObserver === 'undefined') return
  let queued = false
  const run = () => {
    queued = false
    nameVantControls(document.body, t)
  }
  new MutationObserver(() => {
    if (!queued) {
      queued = true
      queueMicrotask(run)
    }
  }).observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['aria-controls', 'lang'] })
  run()
}
