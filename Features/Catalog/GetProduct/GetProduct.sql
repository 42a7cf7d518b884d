SELECT id AS Id, category_id AS CategoryId, title AS Title, subtitle AS Subtitle, description AS Description,
       images AS Images, sales AS Sales, created_at AS CreatedAt
FROM products WHERE id = @Id AND on_shelf = 1;

SELECT id AS Id, specs AS Specs, price_cents AS PriceCents, stock - locked - sold AS Available
FROM skus WHERE product_id = @Id ORDER BY id;
