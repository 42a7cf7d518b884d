import { describe, expect, it } from 'vitest'
import { h5WithRedirect, isPhone, isWeChat, pickChannel } from '@/lib/payChannel'

const iphone = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1'
const android = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36'
const wechat = 'Mozilla/5.0 (Linux; Android 14; V2309A) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MicroMessenger/8.0.47.2560(0x28002F35) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN'
const desktop = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'
const headless = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.0.0 Safari/537.36'

describe('pay channel from the browser', () => {
  it('uses H5 and WAP in a phone browser', () => {
    for (const userAgent of [iphone, android]) {
      expect(isPhone({ userAgent, viewportWidth: 390 })).toBe(true)
      expect(pickChannel('wechatpay', { userAgent, viewportWidth: 390 })).toBe('h5')
      expect(pickChannel('alipay', { userAgent, viewportWidth: 390 })).toBe('wap')
    }
  })

  it('uses JSAPI inside WeChat (and Alipay WAP there)', () => {
    expect(isWeChat({ userAgent: wechat, viewportWidth: 390 })).toBe(true)
    expect(pickChannel('wechatpay', { userAgent: wechat, viewportWidth: 390 })).toBe('jsapi')
    expect(pickChannel('alipay', { userAgent: wechat, viewportWidth: 390 })).toBe('wap')
  })

  it('keeps the QR code and the desktop cashier on a desktop, even in a narrow window', () => {
    for (const viewportWidth of [1366, 500]) {
      expect(pickChannel('wechatpay', { userAgent: desktop, viewportWidth })).toBe('native')
      expect(pickChannel('alipay', { userAgent: headless, viewportWidth })).toBe('page')
    }
  })

  it('takes a small window without a known system for a phone', () => {
    expect(pickChannel('wechatpay', { userAgent: '', viewportWidth: 390 })).toBe('h5')
    expect(pickChannel('wechatpay', { userAgent: '', viewportWidth: 1024 })).toBe('native')
  })

  it('appends the order page to h5_url, URL-encoded', () => {
    expect(h5WithRedirect('https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=wx1&package=2', 'https://shop.example.com/orders/N1?x=1&y=2'))
      .toBe('https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=wx1&package=2&redirect_url=https%3A%2F%2Fshop.example.com%2Forders%2FN1%3Fx%3D1%26y%3D2')
  })
})
