// The periods the overview offers (shared by its loader and its links).

export const OVERVIEW_PERIODS = [7, 30, 90] as const;
export type OverviewPeriod = (typeof OVERVIEW_PERIODS)[number];

/** The period a URL asks for (`?days=`); anything else is 30 days, never an error. */
export const overviewPeriod = (url: URL): OverviewPeriod => {
  const days = Number(url.searchParams.get("days"));
  return OVERVIEW_PERIODS.find((period) => period === days) ?? 30;
};
