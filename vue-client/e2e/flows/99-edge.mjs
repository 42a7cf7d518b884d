// The edge (nginx in front of the API): trusted-proxy chain and sign-in throttling. Runs last: its guessing leaves
// 127.0.0.1 past the sign-in challenge threshold, which every later direct sign-in would then meet.
import {
  web, test, unique, password, assert, solvedChallenge, newShopper,
} from '../harness.mjs'

test('through nginx: after 25 failed sign-ins from one address, another shopper behind it signs in after the challenge', async () => {
  const viaNginx = async (path, body, headers = {}) => {
    const res = await fetch(web + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
    return { status: res.status, json: await res.json().catch(() => null) }
  }
  const shopper = await newShopper()
  for (let i = 0; i < 25; i++) {
    // A guesser that never pays: once the address is past its threshold, it is asked for a challenge instead.
    const r = await viaNginx('/api/v1/auth/login', { account: `spray${i}-${unique()}@example.com`, password: 'Wrong-guess-1', client: 'native' },
      { 'x-forwarded-for': `198.51.100.${i}` }) // made up, and ignored by the edge
    assert(r.status === 401 || r.status === 428, `guess ${i} answered ${r.status}`)
  }
  const asked = await viaNginx('/api/v1/auth/login', { account: shopper, password, client: 'native' })
  assert(asked.status === 428 && asked.json?.code === 'challenge_required', `the right password without a challenge answered ${asked.status}`)
  const signedIn = await viaNginx('/api/v1/auth/login', { account: shopper, password, client: 'native' },
    { 'mall-challenge': await solvedChallenge('login') })
  assert(signedIn.status === 200 && signedIn.json?.accessToken, `with the challenge solved: ${signedIn.status} ${JSON.stringify(signedIn.json)}`)
})
