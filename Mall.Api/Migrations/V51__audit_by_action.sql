-- The audit log read by action (GET admin/audit?action=order.close), newest first.
CREATE INDEX ix_admin_audit_action ON admin_audit (action, created_at);
