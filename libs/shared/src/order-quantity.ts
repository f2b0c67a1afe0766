/** The most units of one group-buy a single order may ask for, as the BFF accepts and the checkout offers. */
export const MOST_UNITS_PER_ORDER_LINE = 99;
