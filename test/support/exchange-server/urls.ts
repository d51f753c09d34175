/**
 * @module The ccxt `urls` overrides that point an exchange's public families at the local server
 * (REST at one port, websockets at another, e.g. a closed one for "websockets blocked").
 */

/** Binance: REST families at `httpPort`, the websocket families at `wsPort`. */
export const binanceUrlsAt = (httpPort: number, wsPort: number) => {
  const h = `http://127.0.0.1:${httpPort}`
  const wsHost = `ws://127.0.0.1:${wsPort}`
  return {
    api: {
      public: `${h}/api/v3`,
      private: `${h}/api/v3`,
      v1: `${h}/api/v1`,
      fapiPublic: `${h}/fapi/v1`,
      fapiPublicV2: `${h}/fapi/v2`,
      fapiData: `${h}/futures/data`,
      dapiPublic: `${h}/dapi/v1`,
      dapiData: `${h}/futures/data`,
      ws: {
        // ccxt's binance tells spot from futures by "/stream" in the URL
        spot: `${wsHost}/stream/ws`,
        margin: `${wsHost}/stream/ws`,
        future: `${wsHost}/fws`,
        delivery: `${wsHost}/dws`,
      },
    },
  }
}

/** Bybit: REST and the v5 public websockets (`/v5/public/<category>`). */
export const bybitUrlsAt = (httpPort: number, wsPort: number) => {
  const h = `http://127.0.0.1:${httpPort}`
  const ws = `ws://127.0.0.1:${wsPort}/v5/public`
  return {
    api: {
      public: h,
      private: h,
      ws: {
        public: { spot: `${ws}/spot`, linear: `${ws}/linear`, inverse: `${ws}/inverse`, option: `${ws}/option` },
      },
    },
  }
}

/** OKX: REST and the websockets (ccxt appends `/public` or `/business` to `ws`). */
export const okxUrlsAt = (httpPort: number, wsPort: number) => ({
  api: { rest: `http://127.0.0.1:${httpPort}`, ws: `ws://127.0.0.1:${wsPort}/ws/v5` },
})
