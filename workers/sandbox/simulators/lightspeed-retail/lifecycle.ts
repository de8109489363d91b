// What happens to a Sale at the register after it is rung up: completion, voiding, and returns as new negative Sales.
// https://developers.lightspeedhq.com/retail/endpoints/SaleLine/ (refunds: negative unitQuantity, parentSaleLineID)
import { exponentOf, formatMinor, toMinor } from "../../../../shared/model/money";
import { extend } from "../../../../shared/model/quantity";
import type { SimContext } from "../../kit";
import { lightspeedTime, nextTimeStamp, salesOf, saveSale, settings, type Json, type StoredSale } from "./records";

export class SimError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function minor(value: unknown, currency: string): number {
  return value === undefined || value === null || value === "" ? 0 : toMinor(String(value), currency);
}

/** A decimal string's share r/q, rounded to whole minor units (how the register prorates a partial return). */
function prorate(value: unknown, r: number, q: number, currency: string): number {
  const scale = 10 ** exponentOf(currency);
  return Math.round((Number(value ?? 0) * scale * r) / q);
}

/** Marks a completed Sale voided: it stops counting toward totals and its stock is put back. */
export function voidSale(sale: StoredSale, now: Date): StoredSale {
  if (sale.voided === "true") throw new SimError(400, `Sale ${sale.saleID} is already voided`);
  return { ...sale, voided: "true", timeStamp: nextTimeStamp(sale.timeStamp, now), updatetime: lightspeedTime(now) };
}

/** Completes an open Sale, taking the balance as one payment of the given type. */
export function completeSale(sim: SimContext, sale: StoredSale, body: { paymentType?: string }, now: Date): StoredSale {
  if (sale.completed === "true") throw new SimError(400, `Sale ${sale.saleID} is already completed`);
  const cur = settings(sim).currency;
  const paid = sale.SalePayments.SalePayment.reduce((n, p) => n + minor(p.amount, cur), 0);
  const due = minor(sale.total, cur) - paid;
  const payments = [...sale.SalePayments.SalePayment];
  if (due !== 0) {
    payments.push({
      salePaymentID: String(sim.store.next("lightspeed_sale_payment", 7001)),
      amount: formatMinor(due, cur),
      tipAmount: "0",
      createTime: lightspeedTime(now),
      archived: "false",
      paymentTypeID: "1",
      PaymentType: { paymentTypeID: "1", name: body.paymentType ?? "Cash", code: "" },
    });
  }
  const stamp = nextTimeStamp(sale.timeStamp, now);
  return {
    ...sale,
    completed: "true",
    completeTime: stamp,
    timeStamp: stamp,
    updatetime: stamp,
    balance: "0",
    calcPayments: sale.total,
    SalePayments: { SalePayment: payments },
  };
}

/** Units of each line already returned by earlier return Sales. */
function returnedSoFar(sim: SimContext, accountId: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of sim.store.list<StoredSale>(salesOf(accountId))) {
    if (s.voided === "true") continue;
    for (const l of s.SaleLines.SaleLine) {
      const parent = String(l.parentSaleLineID ?? "0");
      if (parent === "0") continue;
      out.set(parent, (out.get(parent) ?? 0) + Math.abs(Number(l.unitQuantity)));
    }
  }
  return out;
}

/**
 * Rings up a return of some (default: all) units of a completed Sale as a new Sale: negative lines pointing at the
 * original lines, amounts prorated to whole cents, refunded to the original payment type.
 */
export function returnSale(sim: SimContext, accountId: string, original: StoredSale, body: { lines?: { saleLineID: string; quantity: number }[] }, now: Date): StoredSale {
  if (original.completed !== "true" || original.voided === "true") throw new SimError(400, `Sale ${original.saleID} is not a completed sale`);
  const cur = settings(sim).currency;
  const returned = returnedSoFar(sim, accountId);
  const wanted = body.lines ?? original.SaleLines.SaleLine.map((l) => ({ saleLineID: String(l.saleLineID), quantity: Number(l.unitQuantity) }));
  const saleID = String(sim.store.next("lightspeed_sale", 1001));
  const stamp = lightspeedTime(now);
  const lines: Json[] = wanted.map((w) => {
    const line = original.SaleLines.SaleLine.find((l) => String(l.saleLineID) === String(w.saleLineID));
    if (!line) throw new SimError(404, `Sale ${original.saleID} has no line ${w.saleLineID}`);
    const q = Number(line.unitQuantity);
    const r = w.quantity;
    if (!Number.isInteger(r) || r <= 0 || r + (returned.get(String(line.saleLineID)) ?? 0) > q) {
      throw new SimError(400, `cannot return ${r} of line ${w.saleLineID}: ${q - (returned.get(String(line.saleLineID)) ?? 0)} left`);
    }
    const subtotal = -extend(String(r), minor(line.unitPrice, cur));
    const discount = -prorate(Number(line.calcLineDiscount ?? 0) + Number(line.calcTransactionDiscount ?? 0), r, q, cur);
    const tax1 = -prorate(line.calcTax1, r, q, cur);
    const tax2 = -prorate(line.calcTax2, r, q, cur);
    return {
      ...line,
      saleLineID: String(sim.store.next("lightspeed_sale_line", 5001)),
      saleID,
      createTime: stamp,
      timeStamp: stamp,
      unitQuantity: String(-r),
      calcSubtotal: formatMinor(subtotal, cur),
      displayableSubtotal: formatMinor(subtotal - discount, cur),
      calcLineDiscount: formatMinor(discount, cur),
      calcTransactionDiscount: "0",
      calcTax1: formatMinor(tax1, cur),
      calcTax2: formatMinor(tax2, cur),
      calcTotal: formatMinor(subtotal - discount + tax1 + tax2, cur),
      parentSaleLineID: String(line.saleLineID),
    };
  });
  const total = (k: string) => lines.reduce((n, l) => n + minor(l[k], cur), 0);
  const subtotal = total("calcSubtotal");
  const discount = total("calcLineDiscount");
  const tax1 = total("calcTax1");
  const tax2 = total("calcTax2");
  const grand = subtotal - discount + tax1 + tax2;
  const tender = original.SalePayments.SalePayment[0];
  const sale: StoredSale = {
    ...Object.fromEntries(Object.entries(original).filter(([k]) => ["shopID", "registerID", "employeeID", "customerID", "isTaxInclusive", "taxCategoryID", "tax1Rate", "tax2Rate", "Customer", "TaxCategory"].includes(k))),
    saleID,
    ticketNumber: `22${saleID.padStart(10, "0")}`,
    timeStamp: stamp,
    createTime: stamp,
    updatetime: stamp,
    completeTime: stamp,
    completed: "true",
    voided: "false",
    archived: "false",
    referenceNumber: "",
    referenceNumberSource: "",
    calcSubtotal: formatMinor(subtotal, cur),
    calcDiscount: formatMinor(discount, cur),
    calcTax1: formatMinor(tax1, cur),
    calcTax2: formatMinor(tax2, cur),
    calcTotal: formatMinor(grand, cur),
    total: formatMinor(grand, cur),
    totalDue: formatMinor(grand, cur),
    calcPayments: formatMinor(grand, cur),
    calcTips: "0",
    balance: "0",
    SaleLines: { SaleLine: lines },
    SalePayments: {
      SalePayment: [
        {
          salePaymentID: String(sim.store.next("lightspeed_sale_payment", 7001)),
          amount: formatMinor(grand, cur),
          tipAmount: "0",
          createTime: stamp,
          archived: "false",
          paymentTypeID: String(tender?.paymentTypeID ?? "1"),
          ...(tender?.PaymentType ? { PaymentType: tender.PaymentType } : {}),
        },
      ],
    },
  };
  saveSale(sim, accountId, sale);
  return sale;
}
