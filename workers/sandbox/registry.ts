// Every simulator the sandbox serves, by connector slug.
import type { Simulator } from "./kit";
import { cloverSimulator } from "./simulators/clover";
import { dynamics365BusinessCentral } from "./simulators/dynamics-365-business-central";
import { dynamics365Finance } from "./simulators/dynamics-365-finance";
import { lightspeedRetailSimulator } from "./simulators/lightspeed-retail";
import { lightspeedXSeriesSimulator } from "./simulators/lightspeed-x-series";
import { magentoSimulator } from "./simulators/magento";
import { netsuiteSimulator } from "./simulators/netsuite";
import { notifyGatewaySimulator } from "./simulators/notify-gateway";
import { odooSimulator } from "./simulators/odoo";
import { prestashopSimulator } from "./simulators/prestashop";
import { quickbooksOnline } from "./simulators/quickbooks-online";
import { revelSimulator } from "./simulators/revel";
import { sageIntacctSimulator } from "./simulators/sage-intacct";
import { salesforceSimulator } from "./simulators/salesforce";
import { sapBusinessOneSimulator } from "./simulators/sap-business-one";
import { sapS4hanaSimulator } from "./simulators/sap-s4hana";
import { shopifySimulator } from "./simulators/shopify";
import { squareSimulator } from "./simulators/square";
import { toastSimulator } from "./simulators/toast";
import { woocommerceSimulator } from "./simulators/woocommerce";
import { xeroSimulator } from "./simulators/xero";
import { zohoBooksSimulator } from "./simulators/zoho-books";

export const SIMULATORS: Record<string, Simulator> = {
  clover: cloverSimulator,
  "dynamics-365-business-central": dynamics365BusinessCentral,
  "dynamics-365-finance": dynamics365Finance,
  "lightspeed-retail": lightspeedRetailSimulator,
  "lightspeed-x-series": lightspeedXSeriesSimulator,
  magento: magentoSimulator,
  netsuite: netsuiteSimulator,
  "notify-gateway": notifyGatewaySimulator,
  odoo: odooSimulator,
  prestashop: prestashopSimulator,
  "quickbooks-online": quickbooksOnline,
  revel: revelSimulator,
  "sage-intacct": sageIntacctSimulator,
  salesforce: salesforceSimulator,
  "sap-business-one": sapBusinessOneSimulator,
  "sap-s4hana": sapS4hanaSimulator,
  shopify: shopifySimulator,
  square: squareSimulator,
  toast: toastSimulator,
  woocommerce: woocommerceSimulator,
  xero: xeroSimulator,
  "zoho-books": zohoBooksSimulator,
};
