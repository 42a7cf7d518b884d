-- One page of the console's product list, on and off shelf. The SKU figures are aggregated per product; a top
-- category matches its subcategories' products too. The ORDER BY is picked from a fixed list in the endpoint (never
-- from user text) and replaces /*ORDER*/.
SELECT p.id AS Id, p.category_id AS CategoryId, p.title AS Title, p.images AS Images, p.on_shelf AS OnShelf,
       CAST(COALESCE(s.MinPrice, 0) AS SIGNED) AS MinPriceCents, CAST(COALESCE(s.MaxPrice, 0) AS SIGNED) AS MaxPriceCents,
       CAST(COALESCE(s.Skus, 0) AS SIGNED) AS SkuCount, CAST(COALESCE(s.Stock, 0) AS SIGNED) AS Stock,
       CAST(COALESCE(s.Available, 0) AS SIGNED) AS Available, p.sales AS Sales, p.version AS Version,
       p.created_at AS CreatedAt, p.updated_at AS UpdatedAt
FROM products p
LEFT JOIN (SELECT product_id, MIN(price_cents) AS MinPrice, MAX(price_cents) AS MaxPrice, COUNT(*) AS Skus, SUM(stock) AS Stock,
                  SUM(GREATEST(stock - locked - sold, 0)) AS Available, MIN(stock - locked - sold) AS MinAvailable
           FROM skus GROUP BY product_id) s ON s.product_id = p.id
WHERE (@OnShelf IS NULL OR p.on_shelf = @OnShelf)
  AND (@CategoryId IS NULL OR p.category_id IN (SELECT c.id FROM categories c WHERE c.id = @CategoryId OR c.parent_id = @CategoryId))
  AND (@Like IS NULL OR p.title LIKE @Like)
  AND (@Stock = 'any'
       OR (@Stock = 'outOfStock' AND COALESCE(s.Available, 0) = 0)
       OR (@Stock = 'lowStock' AND COALESCE(s.MinAvailable, 0) <= @Threshold))
/*ORDER*/
LIMIT @Limit OFFSET @Offset;

SELECT COUNT(*)
FROM products p
LEFT JOIN (SELECT product_id, SUM(GREATEST(stock - locked - sold, 0)) AS Available, MIN(stock - locked - sold) AS MinAvailable
           FROM skus GROUP BY product_id) s ON s.product_id = p.id
WHERE (@OnShelf IS NULL OR p.on_shelf = @OnShelf)
  AND (@CategoryId IS NULL OR p.category_id IN (SELECT c.id FROM categories c WHERE c.id = @CategoryId OR c.parent_id = @CategoryId))
  AND (@Like IS NULL OR p.title LIKE @Like)
  AND (@Stock = 'any'
       OR (@Stock = 'outOfStock' AND COALESCE(s.Available, 0) = 0)
       OR (@Stock = 'lowStock' AND COALESCE(s.MinAvailable, 0) <= @Threshold));
