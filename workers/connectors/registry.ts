// Every connector, by slug (= folder name = value stored in D1). Adding a platform is one line here.
import type { Connector, DestinationConnector, SourceConnector } from "../../shared/connector/contract";
import { clover } from "./sources/clover";
import { dynamics365BusinessCentral } from "./destinations/dynamics-365-business-central";
import { dynamics365Finance } from "./destinations/dynamics-365-finance";
import { lightspeedRetail } from "./sources/lightspeed-retail";
import { lightspeedXSeries } from "./sources/lightspeed-x-series";
import { magento } from "./sources/magento";
import { netsuite } from "./destinations/netsuite";
import { odoo } from "./destinations/odoo";
import { prestashop } from "./sources/prestashop";
import { quickbooksOnline } from "./destinations/quickbooks-online";
import { revel } from "./sources/revel";
import { sageIntacct } from "./destinations/sage-intacct";
import { salesforce } from "./destinations/salesforce";
import { sapBusinessOne } from "./destinations/sap-business-one";
import { sapS4hana } from "./destinations/sap-s4hana";
import { shopify } from "./sources/shopify";
import { square } from "./sources/square";
import { toast } from "./sources/toast";
import { woocommerce } from "./sources/woocommerce";
import { xero } from "./destinations/xero";
import { zohoBooks } from "./destinations/zoho-books";

export const CONNECTORS: Record<string, Connector> = {
  clover,
  "dynamics-365-business-central": dynamics365BusinessCentral,
  "dynamics-365-finance": dynamics365Finance,
  "lightspeed-retail": lightspeedRetail,
  "lightspeed-x-series": lightspeedXSeries,
  magento,
  netsuite,
  odoo,
  prestashop,
  "quickbooks-online": quickbooksOnline,
  revel,
  "sage-intacct": sageIntacct,
  salesforce,
  "sap-business-one": sapBusinessOne,
  "sap-s4hana": sapS4hana,
  shopify,
  square,
  toast,
  woocommerce,
  xero,
  "zoho-books": zohoBooks,
};

export function sourceConnector(slug: string): SourceConnector | undefined {
  const c = CONNECTORS[slug];
  return c?.kind === "source" ? c : undefined;
}

export function destinationConnector(slug: string): DestinationConnector | undefined {
  const c = CONNECTORS[slug];
  return c?.kind === "destination" ? c : undefined;
}
