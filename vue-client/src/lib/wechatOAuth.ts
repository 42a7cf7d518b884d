import { http } from '@/api/client'
import { read } from '@/api'

/** WeChat's OAuth URL for this order's pay page (snsapi_base) and the state it carries. */
export function startWeChatOAuth(orderNo: string) {
  return read(http.POST('/api/v1/orders/{orderNo}/payments/wechat-oauth', { params: { path: { orderNo } } }))
    .as<{ authorizeUrl: string; state: string }>()
}

/** The payer's openid for the code WeChat's redirect brought back. */
export function exchangeWeChatCode(code: string, state: string) {
  return read(http.POST('/api/v1/payments/wechat-oauth/openid', { body: { code, state } })).as<{ openId: string }>()
}
