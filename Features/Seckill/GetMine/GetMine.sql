-- The shopper's orders from one sale, newest first (ix_orders_user: a shopper has few orders, so the activity is a filter).
SELECT order_no AS OrderNo, status AS Status, reservation_id AS ReservationId, created_at AS CreatedAt
FROM orders
WHERE user_id = @UserId AND activity_id = @ActivityId
ORDER BY created_at DESC, id DESC
LIMIT 20
