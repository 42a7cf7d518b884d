import type { Channel, JsapiParams, Provider } from '@/api/types'

export function isWeChatBrowser(userAgent = typeof navigator === 'undefined' ? '' : navigator.userAgent): boolean {
  return /MicroMessenger/i.test(userAgent)
}

/** Inside WeChat the JSAPI cashier; elsewhere a QR code to scan (WeChat) or the Alipay page. */
export function channelFor(provider: Provider, inWeChat: boolean): Channel {
  if (provider === 'alipay') return 'page'
  return inWeChat ? 'jsapi' : 'native'
}

interface WeixinJSBridge {
  invoke(name: string, params: JsapiParams, callback: (res: { err_msg: string }) => void): void
}

/** Opens WeChat's in-app cashier with the signed parameters from the API; resolves with its verdict. */
export function invokeWeChatPay(params: JsapiParams): Promise<'ok' | 'cancel' | 'fail'> {
  return new Promise((resolve) => {
    const run = () =>
      (window as unknown as { WeixinJSBridge: WeixinJSBridge }).WeixinJSBridge.invoke('getBrandWCPayRequest', params, (res) => {
        resolve(res.err_msg === 'get_brand_wcpay_request:ok' ? 'ok' : res.err_msg.endsWith(':cancel') ? 'cancel' : 'fail')
      })
    if ('WeixinJSBridge' in window) run()
    else document.addEventListener('WeixinJSBridgeReady', run, { once: true })
  })
}
