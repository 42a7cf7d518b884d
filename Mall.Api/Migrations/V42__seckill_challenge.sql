-- Proof of work asked before each attempt token of an activity (leading zero bits; 0 = none).
ALTER TABLE seckill_activities ADD COLUMN challenge_bits INT NOT NULL DEFAULT 0;
