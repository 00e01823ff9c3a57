-- The real stack's database: 50,000 items in 50 categories, and the orders the heavy class writes.
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2) NOT NULL, category integer NOT NULL);
CREATE INDEX items_category ON items (category);
INSERT INTO items SELECT i, 'item ' || i, (i % 997) / 10.0 + 1, i % 50 FROM generate_series(1, 50000) AS i;
CREATE TABLE orders (id bigserial PRIMARY KEY, item_id integer NOT NULL, quantity integer NOT NULL, signature text NOT NULL,
                     created timestamptz NOT NULL DEFAULT now());
ANALYZE;
