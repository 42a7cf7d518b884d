-- The shopper's orders from one sale, newest first, with their units (ix_orders_user: a shopper has few orders, so the
-- activity is a filter).
SELECT o.order_no AS OrderNo, o.status AS Status, o.reservation_id AS ReservationId,
       CAST((SELECT COALESCE(SUM(i.quantity), 0) FROM order_items i WHERE i.order_id = o.id) AS SIGNED) AS Quantity, o.created_at AS CreatedAt
FROM orders o
WHERE o.user_id = @UserId AND o.activity_id = @ActivityId
ORDER BY o.created_at DESC, o.id DESC
LIMIT 20
