// The load-test CLI arrives with its own issue; until then it only says so.
Console.Error.WriteLine("Mall.LoadTests: no scenarios yet.");
return 2;
