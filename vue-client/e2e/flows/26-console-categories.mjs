// Operator console: the category tree managed in the browser — rename and icon in a dialog, reorder with the arrows,
// delete — checked against what the shop then serves, and a category that still holds a product refused with the
// server's own reason.
import { web, adminAccount, adminPassword, test, unique, assert, poll, call, need, nativeLogin, context, openPage, uiLogin } from '../harness.mjs'

/** A category of its own through the admin API. */
async function categoryOf(adminToken, name, parentId, sortOrder) {
  const created = await call('POST', '/api/v1/admin/categories', { token: adminToken, body: { name, parentId, sortOrder } })
  assert(created.status === 201, `creating the category answered ${created.status}: ${JSON.stringify(created.json)}`)
  return created.json.id
}

/** The shop's tree (what shoppers see): the children of one top category, in display order. */
async function shopChildrenOf(topId) {
  const tree = await call('GET', '/api/v1/categories')
  assert(tree.status === 200, `the category tree answered ${tree.status}`)
  return tree.json.categories.find((c) => c.id === topId)?.children ?? []
}

test('console: an admin renames a category and sets its icon, moves one up, deletes an empty one; one holding a product is refused with the reason', async () => {
  const adminToken = await nativeLogin(adminAccount, adminPassword)
  await need('GET', '/api/v1/admin/categories', 'the admin category tree', adminToken)
  // A top category of its own, last in the shop (so no other flow's "first category" moves), with two children.
  const tag = unique()
  const topId = await categoryOf(adminToken, `测试分类 ${tag}`, null, 9999)
  const firstId = await categoryOf(adminToken, `甲 ${tag}`, topId, 0)
  const secondId = await categoryOf(adminToken, `乙 ${tag}`, topId, 10)
  const product = await call('POST', '/api/v1/admin/products', {
    token: adminToken, body: { categoryId: secondId, title: `测试商品 ${tag}`, subtitle: null, description: null, images: [], skus: [{ specs: { 颜色: '白' }, priceCents: 990, stock: 5 }] },
  })
  assert(product.status === 201, `creating the product answered ${product.status}: ${JSON.stringify(product.json)}`)

  const page = await openPage()
  await uiLogin(page, adminAccount, adminPassword)
  await page.goto(`${web}/admin/categories`)
  const node = (id) => page.locator(`[data-test=category-node][data-id="${id}"]`)
  await node(secondId).waitFor()
  assert((await node(secondId).innerText()).includes('1 件商品'), `the tree does not count the product: ${await node(secondId).innerText()}`)

  // Rename the first child and give it an icon, in the dialog.
  await node(firstId).locator('[data-test=category-edit]').click()
  const dialog = page.locator('[data-test=category-dialog]')
  await dialog.locator('input[name=name]').fill(`甲改 ${tag}`)
  await dialog.locator('input[name=icon]').fill('/favicon.svg')
  await dialog.locator('[data-test=category-icon-preview]').waitFor()
  const saved = page.waitForResponse((r) => r.url().endsWith(`/api/v1/admin/categories/${firstId}`) && r.request().method() === 'PUT')
  await dialog.locator('[data-test=category-edit-save]').click()
  assert((await saved).status() === 200, 'saving the category failed')
  await page.locator(`[data-test=category-node][data-id="${firstId}"][data-name="甲改 ${tag}"] [data-test=category-icon]`).waitFor()

  // Move the second child up: the shop lists it first now, under its new order.
  await node(secondId).locator('[data-test=category-up]').click()
  await poll(async () => (await shopChildrenOf(topId)).map((c) => c.id).join() === `${secondId},${firstId}`,
    { timeoutMs: 10_000, message: 'the shop to list the moved category first' })
  const shopFirst = (await shopChildrenOf(topId)).find((c) => c.id === firstId)
  assert(shopFirst?.name === `甲改 ${tag}` && shopFirst?.icon === '/favicon.svg', `the shop does not show the rename and the icon: ${JSON.stringify(shopFirst)}`)

  // The category with a product cannot go: the server's reason is shown, and it stays.
  await node(secondId).locator('[data-test=category-delete]').click()
  await page.click('.el-message-box__btns .el-button--primary')
  await page.locator('.el-alert', { hasText: '该分类下还有 1 个商品' }).waitFor()
  assert(await node(secondId).count() === 1, 'the refused category left the tree')

  // The empty one goes, from the console and from the shop.
  await node(firstId).locator('[data-test=category-delete]').click()
  await page.click('.el-message-box__btns .el-button--primary')
  await node(firstId).waitFor({ state: 'detached' })
  assert(!(await shopChildrenOf(topId)).some((c) => c.id === firstId), 'the shop still lists the deleted category')
  await page.close()
  await context.clearCookies()
})
