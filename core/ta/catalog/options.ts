/** @module Option and result types shared by every implementation (TS reference, WASM). */
export interface PeriodOptions {
  readonly period?: number
}
export interface BbandsOptions {
  readonly period?: number
  readonly nbDevUp?: number
  readonly nbDevDn?: number
}
export interface StddevOptions {
  readonly period?: number
  readonly nbDev?: number
}
export interface MacdOptions {
  readonly fastPeriod?: number
  readonly slowPeriod?: number
  readonly signalPeriod?: number
}
export interface StochOptions {
  readonly fastKPeriod?: number
  readonly slowKPeriod?: number
  readonly slowDPeriod?: number
}
export interface StochRsiOptions {
  readonly period?: number
  readonly fastKPeriod?: number
  readonly fastDPeriod?: number
}
export interface UltoscOptions {
  readonly period1?: number
  readonly period2?: number
  readonly period3?: number
}
export interface AdoscOptions {
  readonly fastPeriod?: number
  readonly slowPeriod?: number
}
export interface SarOptions {
  readonly acceleration?: number
  readonly maximum?: number
}

export interface MacdResult {
  readonly macd: Float64Array
  readonly signal: Float64Array
  readonly hist: Float64Array
}
export interface BbandsResult {
  readonly upper: Float64Array
  readonly middle: Float64Array
  readonly lower: Float64Array
}
export interface StochResult {
  readonly k: Float64Array
  readonly d: Float64Array
}
export interface AroonResult {
  readonly down: Float64Array
  readonly up: Float64Array
}
