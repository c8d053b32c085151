//+------------------------------------------------------------------+
//| OmniBridge.mq5 — the Omni-Trifecta bridge Expert Advisor.         |
//|                                                                  |
//| Connects OUT to the Omni-Trifecta bridge (MQL5 sockets are        |
//| clients only) and speaks protocol v1 (docs/venues/mt5.md): line-  |
//| delimited JSON, every line {"v":1,"type":...}. Out: hello, ticks, |
//| fills, rejects, closing deals, position snapshots, heartbeats,    |
//| pongs. In: welcome/denied, subscribe, order, modify, close,       |
//| positions?, heartbeat, ping. Positions are ours when their magic  |
//| is `Magic`; the order comment carries the client id (the decision |
//| id, at most 31 characters). The MT5 login stays in the terminal.  |
//| Written without a MetaEditor at hand: compile it before use.      |
//+------------------------------------------------------------------+
#property copyright "Omni-Trifecta"
#property version   "1.00"
#property description "Omni-Trifecta bridge: ticks out, orders in (protocol v1)"

#include <Trade/Trade.mqh>
#include "OmniBridgeJson.mqh"

input string BridgeHost   = "127.0.0.1"; // bridge address (add it to the allowed list)
input uint   BridgePort   = 5555;        // bridge port (omni ... --venue-config '{"port":5555}')
input string Secret       = "";          // the shared secret: MT5_BRIDGE_SECRET
input string Symbols      = "EURUSD";    // symbols to stream from the start, comma-separated
input ulong  Magic        = 7100;        // magic number of the positions this EA owns
input uint   DeviationPts = 20;          // max slippage of market orders, in points
input int    HeartbeatSec = 5;           // heartbeat period; 4 missed = reconnect
input int    ReconnectSec = 5;           // pause between connection attempts

// Defined below; declared here for the trade helpers of OmniBridgeTrade.mqh.
bool SendLine(const string body);
void Report(const string body);
void Disconnect(const string why);
void HandleLine(const string line);

#define MAX_LINE   65536
#define MAX_OUTBOX 256

CTrade  g_trade;
int     g_socket = INVALID_HANDLE;
bool    g_welcomed = false;
string  g_symbols[];
long    g_lastTickMsc[];
uchar   g_carry[];
string  g_outbox[];
string  g_clientIds[];   // opened this session of the EA (dedupe besides the positions)
ulong   g_nextTryMs = 0, g_nextBeatMs = 0, g_lastRecvMs = 0;

#include "OmniBridgeTrade.mqh"

//--- Socket helpers ----------------------------------------------------
bool SendLine(const string body)
  {
   if(g_socket == INVALID_HANDLE)
      return false;
   uchar bytes[];
   int n = StringToCharArray("{\"v\":1," + body + "}\n", bytes, 0, WHOLE_ARRAY, CP_UTF8) - 1;
   if(n <= 0 || SocketSend(g_socket, bytes, (uint)n) != n)
     {
      Disconnect("send failed");
      return false;
     }
   return true;
  }

//--- Trade reports: sent now, or kept (bounded) and sent after the next welcome.
void Report(const string body)
  {
   if(g_welcomed && SendLine(body))
      return;
   int k = ArraySize(g_outbox);
   if(k >= MAX_OUTBOX)
     {
      Print("OmniBridge: outbox full, dropping the oldest report");
      ArrayRemove(g_outbox, 0, 1);
      k--;
     }
   ArrayResize(g_outbox, k + 1);
   g_outbox[k] = body;
  }

void Disconnect(const string why)
  {
   if(g_socket != INVALID_HANDLE)
     {
      SocketClose(g_socket);
      PrintFormat("OmniBridge: disconnected (%s)", why);
     }
   g_socket = INVALID_HANDLE;
   g_welcomed = false;
   ArrayResize(g_carry, 0);
   g_nextTryMs = GetTickCount64() + (ulong)ReconnectSec * 1000;
  }

void Connect()
  {
   g_nextTryMs = GetTickCount64() + (ulong)ReconnectSec * 1000;
   g_socket = SocketCreate();
   if(g_socket == INVALID_HANDLE)
     {
      PrintFormat("OmniBridge: SocketCreate failed (%d)", GetLastError());
      return;
     }
   if(!SocketConnect(g_socket, BridgeHost, BridgePort, 2000))
     {
      PrintFormat("OmniBridge: cannot connect to %s:%u (%d); is the address allowed in Tools > Options > Expert Advisors?",
                  BridgeHost, BridgePort, GetLastError());
      SocketClose(g_socket);
      g_socket = INVALID_HANDLE;
      return;
     }
   g_lastRecvMs = GetTickCount64();
   SendLine("\"type\":\"hello\",\"account\":" + IntegerToString(AccountInfoInteger(ACCOUNT_LOGIN)) +
            ",\"server\":" + JsonEscape(AccountInfoString(ACCOUNT_SERVER)) +
            ",\"build\":" + IntegerToString(TerminalInfoInteger(TERMINAL_BUILD)) +
            ",\"currency\":" + JsonEscape(AccountInfoString(ACCOUNT_CURRENCY)) +
            ",\"secret\":" + JsonEscape(Secret));
  }

//--- Reads what arrived and handles each complete line.
void ReadLines()
  {
   uint ready = SocketIsReadable(g_socket);
   if(ready == 0)
     {
      if(!SocketIsConnected(g_socket))
         Disconnect("closed by the bridge");
      return;
     }
   uchar chunk[];
   int got = SocketRead(g_socket, chunk, ready, 100);
   if(got <= 0)
     {
      Disconnect("read failed");
      return;
     }
   g_lastRecvMs = GetTickCount64();
   int old = ArraySize(g_carry);
   ArrayResize(g_carry, old + got);
   ArrayCopy(g_carry, chunk, old, 0, got);
   int start = 0, size = ArraySize(g_carry);
   for(int i = 0; i < size && g_socket != INVALID_HANDLE; i++)
     {
      if(g_carry[i] != '\n')
         continue;
      string line = CharArrayToString(g_carry, start, i - start, CP_UTF8);
      start = i + 1;
      if(StringLen(line) > 0)
         HandleLine(line);
     }
   if(g_socket == INVALID_HANDLE)
      return;
   if(start > 0)
      ArrayRemove(g_carry, 0, start);
   if(ArraySize(g_carry) > MAX_LINE)
      Disconnect("line too long");
  }

//--- Symbols ------------------------------------------------------------
void Subscribe(const string symbol)
  {
   string s = symbol;
   StringTrimLeft(s);
   StringTrimRight(s);
   if(s == "")
      return;
   for(int i = 0; i < ArraySize(g_symbols); i++)
      if(g_symbols[i] == s)
         return;
   if(!SymbolSelect(s, true))
     {
      PrintFormat("OmniBridge: unknown symbol %s", s);
      return;
     }
   int k = ArraySize(g_symbols);
   ArrayResize(g_symbols, k + 1);
   ArrayResize(g_lastTickMsc, k + 1);
   g_symbols[k] = s;
   g_lastTickMsc[k] = 0;
  }

void SendTicks()
  {
   for(int i = 0; i < ArraySize(g_symbols) && g_welcomed; i++)
     {
      MqlTick tick;
      if(!SymbolInfoTick(g_symbols[i], tick) || tick.time_msc == g_lastTickMsc[i] || tick.bid <= 0 || tick.ask <= 0)
         continue;
      g_lastTickMsc[i] = tick.time_msc;
      int digits = (int)SymbolInfoInteger(g_symbols[i], SYMBOL_DIGITS);
      SendLine("\"type\":\"tick\",\"symbol\":" + JsonEscape(g_symbols[i]) + ",\"bid\":" + JsonNumber(tick.bid, digits) +
               ",\"ask\":" + JsonNumber(tick.ask, digits) + ",\"time_msc\":" + IntegerToString(tick.time_msc));
     }
  }

void HandleLine(const string line)
  {
   string type;
   if(!JsonGetString(line, "type", type))
      return;
   if(type == "welcome")
     {
      g_welcomed = true;
      Print("OmniBridge: connected, session ", line);
      while(ArraySize(g_outbox) > 0 && g_welcomed)
        {
         if(!SendLine(g_outbox[0]))
            return;
         ArrayRemove(g_outbox, 0, 1);
        }
      SendPositions(-1);
     }
   else if(type == "denied")
     {
      string reason;
      JsonGetString(line, "reason", reason);
      Print("OmniBridge: the bridge refused the hello: ", reason);
      Disconnect("denied");
      g_nextTryMs = GetTickCount64() + 60000;
     }
   else if(type == "subscribe")
     {
      string symbols[];
      if(JsonGetStringArray(line, "symbols", symbols))
         for(int i = 0; i < ArraySize(symbols); i++)
            Subscribe(symbols[i]);
     }
   else if(type == "order")
      DoOrder(line);
   else if(type == "modify")
      DoModify(line);
   else if(type == "close")
      DoClose(line);
   else if(type == "positions?")
     {
      double req = 0;
      SendPositions(JsonGetNumber(line, "req", req) ? (long)req : -1);
     }
   else if(type == "ping")
     {
      double id = 0;
      SendLine("\"type\":\"pong\"" + (JsonGetNumber(line, "id", id) ? ",\"id\":" + IntegerToString((long)id) : ""));
     }
  }

//--- Events ----------------------------------------------------------------
int OnInit()
  {
   string parts[];
   int n = StringSplit(Symbols, ',', parts);
   for(int i = 0; i < n; i++)
      Subscribe(parts[i]);
   g_trade.SetExpertMagicNumber(Magic);
   g_trade.SetDeviationInPoints(DeviationPts);
   g_trade.SetAsyncMode(false);
   if(Secret == "")
      Print("OmniBridge: the Secret input is empty; the bridge will refuse the hello");
   EventSetMillisecondTimer(100);
   return INIT_SUCCEEDED;
  }

void OnDeinit(const int reason)
  {
   EventKillTimer();
   Disconnect("EA removed");
  }

void OnTimer()
  {
   ulong now = GetTickCount64();
   if(g_socket == INVALID_HANDLE)
     {
      if(now >= g_nextTryMs)
         Connect();
      return;
     }
   ReadLines();
   if(g_socket == INVALID_HANDLE)
      return;
   if(now - g_lastRecvMs > (ulong)HeartbeatSec * 4000)
     {
      Disconnect("no line from the bridge");
      return;
     }
   SendTicks();
   if(g_welcomed && now >= g_nextBeatMs)
     {
      g_nextBeatMs = now + (ulong)HeartbeatSec * 1000;
      SendLine("\"type\":\"heartbeat\",\"time_msc\":" + IntegerToString((long)TimeCurrent() * 1000));
     }
  }

void OnTick()
  {
   if(g_welcomed)
      SendTicks();
  }

//--- Closing deals of our positions (SL, TP, stop-out, our closes, manual closes).
void OnTradeTransaction(const MqlTradeTransaction &trans, const MqlTradeRequest &request, const MqlTradeResult &result)
  {
   if(trans.type == TRADE_TRANSACTION_DEAL_ADD)
      ReportClosingDeal(trans.deal);
  }
//+------------------------------------------------------------------+
