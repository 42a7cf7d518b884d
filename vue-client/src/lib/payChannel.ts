import type { Channel, Provider } from '@/api/types'

/** Where the shopper is paying from: the browser's user agent and the width of its window. */
export interface PayEnvironment {
  userAgent: string
  viewportWidth: number
}

export function currentEnvironment(): PayEnvironment {
  return {
    userAgent: typeof navigator === 'undefined' ? '' : navigator.userAgent,
    viewportWidth: typeof window === 'undefined' ? 1366 : window.innerWidth,
  }
}

/** WeChat's in-app browser: only there is WeixinJSBridge (JSAPI) available. */
export function isWeChat(env: PayEnvironment): boolean {
  return /MicroMessenger/i.test(env.userAgent)
}

/**
 * A phone: a mobile user agent, or a touch-sized window with no desktop OS named. A narrow desktop window stays a
 * desktop (WeChat H5 refuses desktop browsers, and the QR code works there).
 */
export function isPhone(env: PayEnvironment): boolean {
  if (/Android|iPhone|iPod|Windows Phone|HarmonyOS|OpenHarmony|Mobile/i.test(env.userAgent)) return true
  if (/Windows NT|Macintosh|X11|CrOS/i.test(env.userAgent)) return false
  return env.viewportWidth < 768
}

/**
 * The channel for this browser. WeChat Pay: JSAPI inside WeChat, H5 in another phone browser (it hands over to the
 * WeChat app), the QR code on a desktop (scanned with a phone). Alipay: the mobile cashier (WAP) on a phone, the
 * desktop cashier (page) elsewhere.
 */
export function pickChannel(provider: Provider, env: PayEnvironment): Channel {
  if (provider === 'alipay') return isPhone(env) || isWeChat(env) ? 'wap' : 'page'
  if (isWeChat(env)) return 'jsapi'
  return isPhone(env) ? 'h5' : 'native'
}

/** WeChat H5: the merchant appends redirect_url, URL-encoded, to h5_url; WeChat sends the browser there after paying. */
export function h5WithRedirect(h5Url: string, returnTo: string): string {
  return `${h5Url}${h5Url.includes('?') ? '&' : '?'}redirect_url=${encodeURIComponent(returnTo)}`
}

/** What the pay page remembers across the trip to the provider (sessionStorage: this tab only). */
export const pendingKey = (orderNo: string) => `mall.pay.pending.${orderNo}`
export const oauthStateKey = 'mall.wechat.oauthState'
export const openIdKey = 'mall.wechat.openid'
