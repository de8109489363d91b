// Pure parity (DESIGN principle 6): the TotalAmt QBO will compute for a payload, and the rounding line that makes it the source's.
import { ConnectorError } from "../../../../shared/connector/errors";
import type { SyncNote } from "../../../../shared/connector/contract";
import { formatMinor, toMinor } from "../../../../shared/model/money";
import { extend, normalizeQuantity } from "../../../../shared/model/quantity";
import type { Rec } from "./api";
import { itemLine, type Ref } from "./mapping";

/**
 * QBO's total for a sales document: Σ item line amounts — each one round(Qty × UnitPrice) to the currency, the rule
 * behind error 6070 "Amount is not equal to UnitPrice * Qty" (github.com/intuit/QuickBooks-V3-PHP-SDK/issues/445) —
 * minus discount lines, plus TxnTaxDetail.TotalTax when GlobalTaxCalculation is TaxExcluded (TaxInclusive lines
 * already hold their tax).
 */
export function qboTotal(doc: Rec, currency: string): number {
  let total = 0;
  for (const line of (doc.Line as Rec[] | undefined) ?? []) {
    if (line.DetailType === "SalesItemLineDetail") {
      const d = (line.SalesItemLineDetail ?? {}) as Rec;
      total += d.Qty !== undefined && d.UnitPrice !== undefined
        ? extend(normalizeQuantity(d.Qty as number), toMinor(d.UnitPrice as number, currency))
        : toMinor((line.Amount as number | undefined) ?? 0, currency);
    } else if (line.DetailType === "DiscountLineDetail") {
      total -= toMinor((line.Amount as number | undefined) ?? 0, currency);
    }
  }
  const tax = (doc.TxnTaxDetail as Rec | undefined)?.TotalTax as number | undefined;
  if (doc.GlobalTaxCalculation !== "TaxInclusive" && tax !== undefined) total += toMinor(tax, currency);
  return total;
}

/**
 * Makes the payload's QBO total equal the source total to the minor unit. A difference no larger than one minor unit
 * per item line is rounding (the source rounded its line amounts another way) and gets an explicit adjustment line;
 * anything larger is money the mapping cannot account for, and nothing is posted.
 */
export function settleParity(doc: Rec, sourceTotal: number, currency: string, rounding: { item: Ref; taxCode: string }, what: string): { doc: Rec; notes: SyncNote[] } {
  const computed = qboTotal(doc, currency);
  const drift = sourceTotal - computed;
  if (drift === 0) return { doc, notes: [] };
  const itemLines = ((doc.Line as Rec[] | undefined) ?? []).filter((l) => l.DetailType === "SalesItemLineDetail").length;
  if (Math.abs(drift) > Math.max(1, itemLines)) {
    throw new ConnectorError({
      kind: "permanent",
      vendorCode: "parity",
      message: `${what}: QuickBooks would total ${formatMinor(computed, currency)} ${currency} but the source total is ${formatMinor(sourceTotal, currency)}; a difference of ${formatMinor(drift, currency)} is more than rounding, so nothing was posted`,
    });
  }
  const adjusted: Rec = {
    ...doc,
    Line: [
      ...((doc.Line as Rec[] | undefined) ?? []),
      itemLine({ description: "Rounding adjustment", item: rounding.item, quantity: "1", unitPrice: drift, currency, taxCode: rounding.taxCode, inclusive: doc.GlobalTaxCalculation === "TaxInclusive" }),
    ],
  };
  const after = qboTotal(adjusted, currency);
  if (after !== sourceTotal) {
    throw new ConnectorError({ kind: "permanent", vendorCode: "parity", message: `${what}: the rounding adjustment did not reach the source total (${formatMinor(after, currency)} ≠ ${formatMinor(sourceTotal, currency)})` });
  }
  return {
    doc: adjusted,
    notes: [
      {
        message: `${what}: QuickBooks rounds each line as quantity × unit price, giving ${formatMinor(computed, currency)} ${currency}; added a rounding adjustment line of ${formatMinor(drift, currency)} so the document totals ${formatMinor(sourceTotal, currency)} like the source`,
        data: { computed, sourceTotal, adjustment: drift, currency },
      },
    ],
  };
}
