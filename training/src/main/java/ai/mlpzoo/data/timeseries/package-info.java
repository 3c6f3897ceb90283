/**
 * Forecasting data: the hourly ETT sets with the split, scaling, windows and time features of the
 * TimeMixer and Informer code ({@link ai.mlpzoo.data.timeseries.Ett}), and a user's own series as a
 * CSV file cut chronologically ({@link ai.mlpzoo.data.timeseries.ForecastDatasets}). Nothing is
 * downloaded or shipped: a missing ETT file fails with where to get it.
 */
package ai.mlpzoo.data.timeseries;
