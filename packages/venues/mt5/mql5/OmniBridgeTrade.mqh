//+------------------------------------------------------------------+
//| OmniBridgeTrade.mqh — the trade side of the OmniBridge EA:        |
//| positions of our magic (client id = order comment), the order,    |
//| modify and close commands (CTrade), and the reports the bridge    |
//| reads: fill, reject, closed, positions. Included by               |
//| OmniBridge.mq5 after its inputs and globals.                      |
//+------------------------------------------------------------------+
//--- Selects our open position of `clientId` (its comment); its ticket, or 0.
ulong SelectPosition(const string clientId)
  {
   for(int i = PositionsTotal() - 1; i >= 0; i--)
     {
      ulong ticket = PositionGetTicket(i);
      if(ticket != 0 && (ulong)PositionGetInteger(POSITION_MAGIC) == Magic && PositionGetString(POSITION_COMMENT) == clientId)
         return ticket;
     }
   return 0;
  }

void SendPositions(const long req)
  {
   string items = "";
   for(int i = PositionsTotal() - 1; i >= 0; i--)
     {
      ulong ticket = PositionGetTicket(i);
      string clientId = PositionGetString(POSITION_COMMENT);
      // Ours: our magic and a client id in the comment (the bridge refuses a snapshot with a bad item).
      if(ticket == 0 || (ulong)PositionGetInteger(POSITION_MAGIC) != Magic || clientId == "" || StringLen(clientId) > 31)
         continue;
      string symbol = PositionGetString(POSITION_SYMBOL);
      int digits = (int)SymbolInfoInteger(symbol, SYMBOL_DIGITS);
      bool buy = PositionGetInteger(POSITION_TYPE) == POSITION_TYPE_BUY;
      items += (items == "" ? "" : ",") + "{\"client_id\":" + JsonEscape(clientId) +
               ",\"ticket\":\"" + IntegerToString((long)ticket) + "\",\"symbol\":" + JsonEscape(symbol) +
               ",\"side\":\"" + (buy ? "buy" : "sell") + "\",\"volume\":" + JsonNumber(PositionGetDouble(POSITION_VOLUME), 2) +
               ",\"open_price\":" + JsonNumber(PositionGetDouble(POSITION_PRICE_OPEN), digits) +
               ",\"sl\":" + JsonNumber(PositionGetDouble(POSITION_SL), digits) + ",\"tp\":" + JsonNumber(PositionGetDouble(POSITION_TP), digits) +
               ",\"profit\":" + JsonNumber(PositionGetDouble(POSITION_PROFIT), 2) +
               ",\"time_msc\":" + IntegerToString(PositionGetInteger(POSITION_TIME_MSC)) + "}";
     }
   SendLine("\"type\":\"positions\"" + (req >= 0 ? ",\"req\":" + IntegerToString(req) : "") + ",\"items\":[" + items + "]");
  }

//--- True when an entry deal of our magic with this comment exists in the last 7 days (an EA restart forgets g_clientIds).
bool OpenedInHistory(const string clientId)
  {
   if(!HistorySelect(TimeCurrent() - 7 * 86400, TimeCurrent() + 86400))
      return false;
   for(int i = HistoryDealsTotal() - 1; i >= 0; i--)
     {
      ulong d = HistoryDealGetTicket(i);
      if(HistoryDealGetInteger(d, DEAL_ENTRY) == DEAL_ENTRY_IN && (ulong)HistoryDealGetInteger(d, DEAL_MAGIC) == Magic &&
         HistoryDealGetString(d, DEAL_COMMENT) == clientId)
         return true;
     }
   return false;
  }

void Reject(const string clientId, const string op, const long retcode, const string message)
  {
   Report("\"type\":\"reject\",\"client_id\":" + JsonEscape(clientId) + ",\"op\":\"" + op + "\",\"retcode\":" +
          IntegerToString(retcode) + ",\"message\":" + JsonEscape(message));
  }

//--- Bridge commands ------------------------------------------------------
void DoOrder(const string line)
  {
   string clientId, symbol, side;
   double volume = 0, sl = 0, tp = 0;
   if(!JsonGetString(line, "client_id", clientId) || !JsonGetString(line, "symbol", symbol) || !JsonGetString(line, "side", side) ||
      !JsonGetNumber(line, "volume", volume) || !JsonGetNumber(line, "sl", sl) || !JsonGetNumber(line, "tp", tp))
     {
      Print("OmniBridge: order line without its fields: ", line);
      return;
     }
   if(StringLen(clientId) > 31)
     {
      Reject(clientId, "order", 0, "client_id longer than 31 characters");
      return;
     }
   // One position per client id, ever: open now, opened by this run of the EA, or in the last 7 days' deals.
   bool seen = SelectPosition(clientId) != 0 || OpenedInHistory(clientId);
   for(int i = 0; i < ArraySize(g_clientIds) && !seen; i++)
      seen = g_clientIds[i] == clientId;
   if(seen)
     {
      Reject(clientId, "order", 0, "duplicate client_id: this EA already opened it");
      return;
     }
   int k = ArraySize(g_clientIds);
   ArrayResize(g_clientIds, k + 1);
   g_clientIds[k] = clientId;
   // The bridge's numbers are JavaScript doubles: round to the symbol's digits and volume step.
   int digits = (int)SymbolInfoInteger(symbol, SYMBOL_DIGITS);
   double step = SymbolInfoDouble(symbol, SYMBOL_VOLUME_STEP);
   sl = NormalizeDouble(sl, digits);
   tp = NormalizeDouble(tp, digits);
   if(step > 0)
      volume = NormalizeDouble(MathFloor(volume / step + 1e-9) * step, 8);
   g_trade.SetTypeFillingBySymbol(symbol);
   bool ok = side == "buy" ? g_trade.Buy(volume, symbol, 0.0, sl, tp, clientId) : g_trade.Sell(volume, symbol, 0.0, sl, tp, clientId);
   uint retcode = g_trade.ResultRetcode();
   if(!ok || (retcode != TRADE_RETCODE_DONE && retcode != TRADE_RETCODE_DONE_PARTIAL))
     {
      Reject(clientId, "order", retcode, g_trade.ResultRetcodeDescription());
      return;
     }
   // The fill comes from the synchronous result, in order with the request (the bridge relies on it).
   ulong ticket = SelectPosition(clientId);
   double price = g_trade.ResultPrice(), commission = 0;
   long timeMsc = (long)TimeCurrent() * 1000;
   if(ticket != 0)
     {
      price = PositionGetDouble(POSITION_PRICE_OPEN);
      timeMsc = PositionGetInteger(POSITION_TIME_MSC);
     }
   ulong deal = g_trade.ResultDeal();
   if(deal != 0 && HistoryDealSelect(deal))
     {
      commission = HistoryDealGetDouble(deal, DEAL_COMMISSION);
      if(ticket == 0)
         ticket = (ulong)HistoryDealGetInteger(deal, DEAL_POSITION_ID);
     }
   Report("\"type\":\"fill\",\"client_id\":" + JsonEscape(clientId) + ",\"ticket\":\"" + IntegerToString((long)ticket) +
          "\",\"symbol\":" + JsonEscape(symbol) + ",\"side\":\"" + side + "\",\"volume\":" + JsonNumber(g_trade.ResultVolume(), 2) +
          ",\"price\":" + JsonNumber(price, digits) + ",\"commission\":" + JsonNumber(commission, 2) + ",\"time_msc\":" + IntegerToString(timeMsc));
  }

void DoModify(const string line)
  {
   string clientId;
   double sl = 0, tp = 0;
   if(!JsonGetString(line, "client_id", clientId) || !JsonGetNumber(line, "sl", sl) || !JsonGetNumber(line, "tp", tp))
      return;
   ulong ticket = SelectPosition(clientId);
   if(ticket == 0)
     {
      Reject(clientId, "modify", 0, "no open position for this client_id");
      return;
     }
   int digits = (int)SymbolInfoInteger(PositionGetString(POSITION_SYMBOL), SYMBOL_DIGITS);
   if(!g_trade.PositionModify(ticket, NormalizeDouble(sl, digits), NormalizeDouble(tp, digits)))
      Reject(clientId, "modify", g_trade.ResultRetcode(), g_trade.ResultRetcodeDescription());
  }

void DoClose(const string line)
  {
   string clientId;
   double volume = 0;
   if(!JsonGetString(line, "client_id", clientId))
      return;
   ulong ticket = SelectPosition(clientId);
   if(ticket == 0)
     {
      Reject(clientId, "close", 0, "no open position for this client_id");
      return;
     }
   // The closing deal is reported by OnTradeTransaction, like SL and TP exits.
   bool partial = JsonGetNumber(line, "volume", volume) && volume < PositionGetDouble(POSITION_VOLUME);
   bool ok = partial ? g_trade.PositionClosePartial(ticket, volume, DeviationPts) : g_trade.PositionClose(ticket, DeviationPts);
   if(!ok)
      Reject(clientId, "close", g_trade.ResultRetcode(), g_trade.ResultRetcodeDescription());
  }

//--- Reports an exit deal (DEAL_ENTRY_OUT) of one of our positions as a `closed` line; other deals are ignored.
void ReportClosingDeal(const ulong deal)
  {
   if(!HistoryDealSelect(deal))
      return;
   long entry = HistoryDealGetInteger(deal, DEAL_ENTRY);
   if(entry != DEAL_ENTRY_OUT && entry != DEAL_ENTRY_OUT_BY)
      return;
   ulong positionId = (ulong)HistoryDealGetInteger(deal, DEAL_POSITION_ID);
   double volume = HistoryDealGetDouble(deal, DEAL_VOLUME), price = HistoryDealGetDouble(deal, DEAL_PRICE);
   double profit = HistoryDealGetDouble(deal, DEAL_PROFIT), commission = HistoryDealGetDouble(deal, DEAL_COMMISSION);
   double swap = HistoryDealGetDouble(deal, DEAL_SWAP);
   long timeMsc = HistoryDealGetInteger(deal, DEAL_TIME_MSC), why = HistoryDealGetInteger(deal, DEAL_REASON);
   string symbol = HistoryDealGetString(deal, DEAL_SYMBOL);
   // The client id is the comment of the position's entry deal, if that deal carries our magic.
   string clientId = "";
   if(!HistorySelectByPosition(positionId))
      return;
   for(int i = 0; i < HistoryDealsTotal() && clientId == ""; i++)
     {
      ulong d = HistoryDealGetTicket(i);
      if(HistoryDealGetInteger(d, DEAL_ENTRY) == DEAL_ENTRY_IN && (ulong)HistoryDealGetInteger(d, DEAL_MAGIC) == Magic)
         clientId = HistoryDealGetString(d, DEAL_COMMENT);
     }
   if(clientId == "")
      return;
   double remaining = PositionSelectByTicket(positionId) ? PositionGetDouble(POSITION_VOLUME) : 0.0;
   string reason = why == DEAL_REASON_SL ? "sl" : why == DEAL_REASON_TP ? "tp" : why == DEAL_REASON_SO ? "stopout" : "close";
   int digits = (int)SymbolInfoInteger(symbol, SYMBOL_DIGITS);
   Report("\"type\":\"closed\",\"client_id\":" + JsonEscape(clientId) + ",\"ticket\":\"" + IntegerToString((long)positionId) +
          "\",\"volume\":" + JsonNumber(volume, 2) + ",\"remaining\":" + JsonNumber(remaining, 2) + ",\"price\":" + JsonNumber(price, digits) +
          ",\"profit\":" + JsonNumber(profit, 2) + ",\"commission\":" + JsonNumber(commission, 2) + ",\"swap\":" + JsonNumber(swap, 2) +
          ",\"time_msc\":" + IntegerToString(timeMsc) + ",\"reason\":\"" + reason + "\"");
  }
//+------------------------------------------------------------------+
