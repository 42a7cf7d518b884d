import { describe, expect, it } from 'vitest'
import { nameVantControls } from '@/lib/a11y'

const t = (key: string) => ({ 'common.quantity': '数量', 'a11y.decrease': '减少', 'a11y.increase': '增加' })[key] ?? key

describe('names for what Vant leaves unnamed', () => {
  it('names a stepper\'s buttons and input, from its own label when it has one', () => {
    document.body.innerHTML = `
      <div class="van-stepper"><button class="van-stepper__minus"></button><input class="van-stepper__input"><button class="van-stepper__plus"></button></div>
      <div class="van-stepper" aria-label="件数"><button class="van-stepper__minus"></button><input class="van-stepper__input"><button class="van-stepper__plus"></button></div>`
    nameVantControls(document.body, t)
    const [first, second] = document.querySelectorAll('.van-stepper')
    expect(first!.querySelector('.van-stepper__minus')!.getAttribute('aria-label')).toBe('减少 数量')
    expect(first!.querySelector('.van-stepper__plus')!.getAttribute('aria-label')).toBe('增加 数量')
    expect(first!.querySelector('input')!.getAttribute('aria-label')).toBe('数量')
    expect(second!.querySelector('input')!.getAttribute('aria-label')).toBe('件数')
  })

  it('drops aria-controls that point at a panel never rendered, keeps the others', () => {
    document.body.innerHTML = `<div role="tab" id="a" aria-controls="nowhere"></div><div role="tab" id="b" aria-controls="panel"></div><div id="panel"></div>`
    nameVantControls(document.body, t)
    expect(document.getElementById('a')!.hasAttribute('aria-controls')).toBe(false)
    expect(document.getElementById('b')!.getAttribute('aria-controls')).toBe('panel')
  })
})
