//+------------------------------------------------------------------+
//| OmniBridgeJson.mqh — the minimal JSON the OmniBridge EA needs.    |
//|                                                                  |
//| Writing: JsonEscape for string values. Reading: the few fields of |
//| the bridge's own lines, which are JSON.stringify output (no       |
//| whitespace, keys quoted once): "key": followed by a string, a     |
//| number or an array of strings. This is not a general JSON parser. |
//| Protocol: docs/venues/mt5.md (protocol v1).                       |
//+------------------------------------------------------------------+
//--- A string as a JSON string literal (with the quotes).
string JsonEscape(const string text)
  {
   string out = "\"";
   int n = StringLen(text);
   for(int i = 0; i < n; i++)
     {
      ushort c = StringGetCharacter(text, i);
      if(c == '"')
         out += "\\\"";
      else if(c == '\\')
         out += "\\\\";
      else if(c == '\n')
         out += "\\n";
      else if(c == '\r')
         out += "\\r";
      else if(c == '\t')
         out += "\\t";
      else if(c < 0x20)
         out += StringFormat("\\u%04x", c);
      else
         out += ShortToString(c);
     }
   return out + "\"";
  }

//--- Index just after `"key":` in line, or -1.
int JsonValueStart(const string line, const string key)
  {
   string pattern = "\"" + key + "\":";
   int at = StringFind(line, pattern);
   if(at < 0)
      return -1;
   return at + StringLen(pattern);
  }

//--- The 4 hex digits at `from` as a UTF-16 code unit (0 on a bad digit).
ushort JsonHex4(const string line, const int from)
  {
   ushort code = 0;
   for(int k = 0; k < 4; k++)
     {
      ushort c = StringGetCharacter(line, from + k);
      int d = -1;
      if(c >= '0' && c <= '9')
         d = c - '0';
      else if(c >= 'a' && c <= 'f')
         d = c - 'a' + 10;
      else if(c >= 'A' && c <= 'F')
         d = c - 'A' + 10;
      if(d < 0)
         return 0;
      code = (ushort)(code * 16 + d);
     }
   return code;
  }

//--- Reads a JSON string starting at `from` (on its opening quote); sets `end` after the closing quote.
bool JsonReadString(const string line, int from, string &value, int &end)
  {
   value = "";
   if(from < 0 || from >= StringLen(line) || StringGetCharacter(line, from) != '"')
      return false;
   int n = StringLen(line);
   for(int i = from + 1; i < n; i++)
     {
      ushort c = StringGetCharacter(line, i);
      if(c == '"')
        {
         end = i + 1;
         return true;
        }
      if(c != '\\')
        {
         value += ShortToString(c);
         continue;
        }
      if(i + 1 >= n)
         return false;
      ushort e = StringGetCharacter(line, ++i);
      if(e == 'n')
         value += "\n";
      else if(e == 'r')
         value += "\r";
      else if(e == 't')
         value += "\t";
      else if(e == 'u' && i + 4 < n)
        {
         value += ShortToString(JsonHex4(line, i + 1));
         i += 4;
        }
      else
         value += ShortToString(e);
     }
   return false;
  }

//--- The string value of `key`.
bool JsonGetString(const string line, const string key, string &value)
  {
   int end = 0;
   return JsonReadString(line, JsonValueStart(line, key), value, end);
  }

//--- The number value of `key`.
bool JsonGetNumber(const string line, const string key, double &value)
  {
   int from = JsonValueStart(line, key);
   if(from < 0)
      return false;
   int n = StringLen(line);
   int i = from;
   while(i < n)
     {
      ushort c = StringGetCharacter(line, i);
      if((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E')
         i++;
      else
         break;
     }
   if(i == from)
      return false;
   value = StringToDouble(StringSubstr(line, from, i - from));
   return true;
  }

//--- The array of strings value of `key` (e.g. "symbols":["EURUSD","XAUUSD"]).
bool JsonGetStringArray(const string line, const string key, string &values[])
  {
   ArrayResize(values, 0);
   int i = JsonValueStart(line, key);
   if(i < 0 || StringGetCharacter(line, i) != '[')
      return false;
   i++;
   int n = StringLen(line);
   while(i < n)
     {
      ushort c = StringGetCharacter(line, i);
      if(c == ']')
         return true;
      if(c == ',')
        {
         i++;
         continue;
        }
      string item;
      int end = 0;
      if(!JsonReadString(line, i, item, end))
         return false;
      int k = ArraySize(values);
      ArrayResize(values, k + 1);
      values[k] = item;
      i = end;
     }
   return false;
  }

//--- A price or volume as a JSON number with `digits` decimals (no exponent, no trailing garbage).
string JsonNumber(const double value, const int digits)
  {
   return DoubleToString(value, digits);
  }
//+------------------------------------------------------------------+
