-- One page of on-shelf products. A top category matches its subcategories' products too. The ORDER BY is picked
-- from a fixed list in the endpoint (never from user text) and replaces /*ORDER*/.
SELECT p.id AS Id, p.category_id AS CategoryId, p.title AS Title, p.subtitle AS Subtitle, p.images AS Images,
       COALESCE((SELECT MIN(s.price_cents) FROM skus s WHERE s.product_id = p.id), 0) AS MinPriceCents,
       p.sales AS Sales, p.created_at AS CreatedAt
FROM products p
WHERE p.on_shelf = 1
  AND (@CategoryId IS NULL OR p.category_id IN (SELECT c.id FROM categories c WHERE c.id = @CategoryId OR c.parent_id = @CategoryId))
  AND (@Like IS NULL OR p.title LIKE @Like OR p.subtitle LIKE @Like)
/*ORDER*/
LIMIT @Limit OFFSET @Offset;

SELECT COUNT(*)
FROM products p
WHERE p.on_shelf = 1
  AND (@CategoryId IS NULL OR p.category_id IN (SELECT c.id FROM categories c WHERE c.id = @CategoryId OR c.parent_id = @CategoryId))
  AND (@Like IS NULL OR p.title LIKE @Like OR p.subtitle LIKE @Like);
