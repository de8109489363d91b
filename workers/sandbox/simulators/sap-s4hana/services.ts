// S/4HANA simulator: SAP's API_SALES_ORDER_SRV $metadata, parsed once per isolate, and the credit memo request service.
import salesOrderEdmx from "../../../../../shared/specs/sap-s4hana/API_SALES_ORDER_SRV.edmx";
import { creditMemoService, parseEdmx, type EdmService } from "./edmx";

let cache: { salesOrder: EdmService; creditMemo: EdmService } | null = null;

export function services(): { salesOrder: EdmService; creditMemo: EdmService } {
  if (!cache) {
    const salesOrder = parseEdmx(salesOrderEdmx);
    cache = { salesOrder, creditMemo: creditMemoService(salesOrder) };
  }
  return cache;
}

export { salesOrderEdmx };
