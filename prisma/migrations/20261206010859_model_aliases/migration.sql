-- CreateTable
CREATE TABLE "model_aliases" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "model_id" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "model_aliases_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "model_aliases_name_key" ON "model_aliases"("name");

-- AddForeignKey
ALTER TABLE "model_aliases" ADD CONSTRAINT "model_aliases_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "models"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- An alias added, retargeted or removed reaches every instance within a second,
-- like a price change (see 20261127110000_change_notifications).
CREATE TRIGGER model_aliases_notify_change AFTER INSERT OR UPDATE OR DELETE ON model_aliases
  FOR EACH STATEMENT EXECUTE FUNCTION gateway_notify_catalog_changed();
