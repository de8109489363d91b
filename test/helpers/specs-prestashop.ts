// PrestaShop's vendor-written specs from ../shared/specs (the orders blank schema, the install's order states) and
// order payloads made by filling that blank schema in: XML exactly as GET /api/orders/{id} returns an order.
const files = import.meta.glob("../../../shared/specs/prestashop/*.xml", { eager: true, query: "?raw", import: "default" }) as Record<string, string>;

function spec(name: string): string {
  const key = Object.keys(files).find((k) => k.endsWith(`/${name}`));
  if (!key) throw new Error(`no PrestaShop spec ${name}`);
  return files[key]!;
}

/** GET /api/orders?schema=blank (PrestaShop/docs webservice/resources/orders.md). */
export function blankOrderSchema(): string {
  return spec("orders-blank-schema.xml");
}

/** install-dev/langs/en/data/order_state.xml: symbolic id, English name and mail template of each default state. */
export function installOrderStates(): { id: string; name: string; template: string }[] {
  const xml = spec("install-langs-en-order_state.xml");
  return [...xml.matchAll(/<order_state id="([^"]+)">\s*<name>([^<]*)<\/name>\s*(?:<template>([^<]*)<\/template>|<template\/>)/g)].map((m) => ({ id: m[1]!, name: m[2]!, template: m[3] ?? "" }));
}

/** Values for every field of the blank schema, so a filled-in order is complete (overridden per order). */
const ORDER_DEFAULTS: Record<string, string> = {
  id_address_delivery: "4",
  id_address_invoice: "4",
  id_cart: "7",
  id_currency: "1",
  id_lang: "1",
  id_customer: "2",
  id_carrier: "2",
  current_state: "2",
  module: "ps_wirepayment",
  invoice_number: "0",
  invoice_date: "0000-00-00 00:00:00",
  delivery_number: "0",
  delivery_date: "0000-00-00 00:00:00",
  valid: "1",
  shipping_number: "",
  note: "",
  id_shop_group: "1",
  id_shop: "1",
  secure_key: "b44a6d9efd7a0076a0fbce6b15eaf3b1",
  payment: "Bank wire",
  recyclable: "0",
  gift: "0",
  gift_message: "",
  mobile_theme: "0",
  total_discounts: "0.000000",
  total_discounts_tax_incl: "0.000000",
  total_discounts_tax_excl: "0.000000",
  total_wrapping: "0.000000",
  total_wrapping_tax_incl: "0.000000",
  total_wrapping_tax_excl: "0.000000",
  carrier_tax_rate: "20.000",
  round_mode: "2",
  round_type: "2",
  conversion_rate: "1.000000",
};

const ROW_DEFAULTS: Record<string, string> = { product_attribute_id: "0", product_ean13: "", product_isbn: "", product_upc: "", id_customization: "0" };

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/<([a-z0-9_]+)><!\[CDATA\[\]\]><\/\1>/g, (whole, name: string) => (name in values ? `<${name}><![CDATA[${values[name]}]]></${name}>` : whole));
}

/** The blank schema with its order fields and one <order_row> per row filled in. */
export function orderXml(fields: Record<string, string>, rows: Record<string, string>[]): string {
  const schema = blankOrderSchema();
  const row = /<order_row>[\s\S]*?<\/order_row>/.exec(schema)![0];
  const [head, tail] = schema.split(row) as [string, string];
  return fill(head, { ...ORDER_DEFAULTS, ...fields }) + rows.map((r) => fill(row, { ...ROW_DEFAULTS, ...r })).join("\n        ") + tail;
}

export interface PrestaShopOrderFixture {
  name: string;
  fields: Record<string, string>;
  rows: Record<string, string>[];
}

/** Currencies of the fixture shop (/api/currencies: id → iso_code). */
export const FIXTURE_CURRENCIES = { "1": "USD", "2": "EUR", "3": "JPY" };

/**
 * Orders written into the blank schema. Amounts follow PrestaShop's storage (6 decimals); totals obey
 * total_paid_tax_incl = products_wt + shipping_tax_incl + wrapping_tax_incl − discounts_tax_incl.
 */
export const PRESTASHOP_ORDERS: PrestaShopOrderFixture[] = [
  {
    name: "paid order, tax-excluded prices exact to the cent (EUR, 20 % VAT)",
    fields: {
      id: "11", reference: "XKBKNABJK", id_currency: "2", current_state: "2", payment: "Payments by check", module: "ps_checkpayment",
      date_add: "2024-03-04 10:12:00", date_upd: "2024-03-04 10:15:31",
      total_paid: "60.600000", total_paid_tax_incl: "60.600000", total_paid_tax_excl: "50.500000", total_paid_real: "60.600000",
      total_products: "45.500000", total_products_wt: "54.600000",
      total_shipping: "6.000000", total_shipping_tax_incl: "6.000000", total_shipping_tax_excl: "5.000000",
    },
    rows: [
      { id: "21", product_id: "1", product_quantity: "2", product_name: "Dried fenugreek leaves 100 g", product_reference: "demo_1", product_price: "10.000000", unit_price_tax_incl: "12.000000", unit_price_tax_excl: "10.000000" },
      { id: "22", product_id: "7", product_quantity: "1", product_name: "Mortar and pestle", product_reference: "demo_7", product_price: "25.500000", unit_price_tax_incl: "30.600000", unit_price_tax_excl: "25.500000" },
    ],
  },
  {
    name: "shipped order priced tax-included, tax-excluded side with sub-cent decimals, cart rule (USD)",
    fields: {
      id: "12", reference: "OHSATSERP", id_currency: "1", current_state: "4", shipping_number: "1Z999AA10123456784",
      date_add: "2024-03-05 09:00:00", date_upd: "2024-03-06 16:40:02",
      total_paid: "40.090000", total_paid_tax_incl: "40.090000", total_paid_tax_excl: "33.410000", total_paid_real: "40.090000",
      total_products: "32.500000", total_products_wt: "39.000000",
      total_shipping: "4.990000", total_shipping_tax_incl: "4.990000", total_shipping_tax_excl: "4.158333",
      total_discounts: "3.900000", total_discounts_tax_incl: "3.900000", total_discounts_tax_excl: "3.250000",
    },
    rows: [
      { id: "23", product_id: "3", product_quantity: "3", product_name: "Berbere spice blend", product_reference: "demo_3", product_price: "10.833333", unit_price_tax_incl: "13.000000", unit_price_tax_excl: "10.833333" },
    ],
  },
  {
    name: "canceled order (USD)",
    fields: {
      id: "13", reference: "UOYEVOLIM", id_currency: "1", current_state: "6", valid: "0", total_paid_real: "0.000000",
      date_add: "2024-03-07 11:00:00", date_upd: "2024-03-07 12:00:00",
      total_paid: "15.000000", total_paid_tax_incl: "15.000000", total_paid_tax_excl: "12.500000",
      total_products: "12.500000", total_products_wt: "15.000000",
      total_shipping: "0.000000", total_shipping_tax_incl: "0.000000", total_shipping_tax_excl: "0.000000",
    },
    rows: [
      { id: "24", product_id: "5", product_quantity: "1", product_name: "Rose water 250 ml", product_reference: "demo_5", product_price: "12.500000", unit_price_tax_incl: "15.000000", unit_price_tax_excl: "12.500000" },
    ],
  },
  {
    name: "delivered order in a zero-decimal currency with gift wrapping (JPY)",
    fields: {
      id: "14", reference: "FFATNOMMJ", id_currency: "3", current_state: "5", conversion_rate: "149.500000",
      date_add: "2024-03-08 08:00:00", date_upd: "2024-03-10 14:22:09",
      total_paid: "4400.000000", total_paid_tax_incl: "4400.000000", total_paid_tax_excl: "4000.000000", total_paid_real: "4400.000000",
      total_products: "3000.000000", total_products_wt: "3300.000000",
      total_shipping: "880.000000", total_shipping_tax_incl: "880.000000", total_shipping_tax_excl: "800.000000",
      total_wrapping: "220.000000", total_wrapping_tax_incl: "220.000000", total_wrapping_tax_excl: "200.000000",
    },
    rows: [
      { id: "25", product_id: "9", product_quantity: "2", product_name: "抹茶 Matcha 30 g", product_reference: "demo_9", product_price: "1500.000000", unit_price_tax_incl: "1650.000000", unit_price_tax_excl: "1500.000000" },
    ],
  },
];
