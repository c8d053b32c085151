// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

interface IUniswapV2PairLike {
    function token0() external view returns (address);
    function token1() external view returns (address);
    function getReserves() external view returns (uint112 reserve0, uint112 reserve1, uint32 blockTimestampLast);
    function swap(uint256 amount0Out, uint256 amount1Out, address to, bytes calldata data) external;
}

interface IERC20Like {
    function transfer(address to, uint256 value) external returns (bool);
    function balanceOf(address owner) external view returns (uint256);
}

/// @title FlashArbExecutor
/// @notice Owner-only Uniswap V2 flash-swap arbitrage. `execute` borrows `amountBorrow` of one token of
/// `borrowPair`, sells it through `sellPath` (one pair: two-pool arbitrage; several pairs: a cycle, the
/// last pair ending in the borrow pair's other token), repays the borrow pair inside `uniswapV2Call` in
/// that other token (the exact Uniswap V2 `getAmountIn`) and sends the rest to the owner. The whole
/// transaction reverts unless that rest (the profit, in the repaid token) is at least `minProfit`.
contract FlashArbExecutor {
    /// @notice The only account that may call `execute` and `withdraw`; receives every profit.
    address public immutable owner;

    /// @dev The pair whose callback is expected while `execute` runs; IDLE otherwise. Kept non-zero so
    /// that setting and clearing it costs a warm write, not a fresh slot.
    address private expectedPair;
    address private constant IDLE = address(1);

    /// @notice What the callback needs, passed through the pair as `data`.
    struct Plan {
        address borrowPair;
        address borrowToken;
        address repayToken;
        uint256 amountBorrow;
        address[] sellPath;
        uint256 minProfit;
    }

    error NotOwner();
    error UnexpectedCallback(address caller, address initiator);
    error BadPath();
    error TransferFailed(address token);
    error ProfitBelowMinimum(uint256 received, uint256 repay, uint256 minProfit);

    /// @notice One arbitrage that paid: `profit` of `repayToken` went to the owner.
    event Arbitrage(address indexed borrowPair, address indexed repayToken, uint256 amountBorrow, uint256 profit);

    constructor() {
        owner = msg.sender;
        expectedPair = IDLE;
    }

    modifier onlyOwner() {
        if (msg.sender != owner) revert NotOwner();
        _;
    }

    /// @notice Borrows `amountBorrow` of `borrowToken` from `borrowPair`, sells it along `sellPath`, repays
    /// and sends the profit (in the borrow pair's other token) to the owner; reverts below `minProfit`.
    function execute(
        address borrowPair,
        address borrowToken,
        uint256 amountBorrow,
        address[] calldata sellPath,
        uint256 minProfit
    ) external onlyOwner {
        if (sellPath.length == 0) revert BadPath();
        Plan memory plan;
        plan.borrowPair = borrowPair;
        plan.borrowToken = borrowToken;
        plan.amountBorrow = amountBorrow;
        plan.sellPath = sellPath;
        plan.minProfit = minProfit;
        address token0 = IUniswapV2PairLike(borrowPair).token0();
        bool borrowIs0 = token0 == borrowToken;
        plan.repayToken = borrowIs0 ? IUniswapV2PairLike(borrowPair).token1() : token0;
        if (!borrowIs0 && IUniswapV2PairLike(borrowPair).token1() != borrowToken) revert BadPath();
        expectedPair = borrowPair;
        IUniswapV2PairLike(borrowPair).swap(
            borrowIs0 ? amountBorrow : 0,
            borrowIs0 ? 0 : amountBorrow,
            address(this),
            abi.encode(plan)
        );
        expectedPair = IDLE;
    }

    /// @notice The Uniswap V2 flash-swap callback: only the pair `execute` called, only for this contract.
    function uniswapV2Call(address sender, uint256, uint256, bytes calldata data) external {
        if (msg.sender != expectedPair || sender != address(this)) revert UnexpectedCallback(msg.sender, sender);
        Plan memory plan = abi.decode(data, (Plan));
        (uint256 received, address tokenOut) = _sellAlongPath(plan.borrowToken, plan.amountBorrow, plan.sellPath);
        if (tokenOut != plan.repayToken) revert BadPath();
        uint256 repay = _repayAmount(plan.borrowPair, plan.borrowToken, plan.amountBorrow);
        if (received < repay || received - repay < plan.minProfit) {
            revert ProfitBelowMinimum(received, repay, plan.minProfit);
        }
        _transfer(plan.repayToken, plan.borrowPair, repay);
        uint256 profit = received - repay;
        if (profit > 0) _transfer(plan.repayToken, owner, profit);
        emit Arbitrage(plan.borrowPair, plan.repayToken, plan.amountBorrow, profit);
    }

    /// @notice Sends any `token` this contract holds to the owner (nothing should stay here).
    function withdraw(address token) external onlyOwner {
        _transfer(token, owner, IERC20Like(token).balanceOf(address(this)));
    }

    /// @dev Swaps `amountIn` of `tokenIn` through each pair of `path` (each pair's output goes straight to
    /// the next pair, the last to this contract); returns the last output.
    function _sellAlongPath(address tokenIn, uint256 amountIn, address[] memory path)
        private
        returns (uint256, address)
    {
        _transfer(tokenIn, path[0], amountIn);
        uint256 amount = amountIn;
        address token = tokenIn;
        for (uint256 i = 0; i < path.length; i++) {
            address to = i + 1 < path.length ? path[i + 1] : address(this);
            (amount, token) = _swapExactIn(path[i], token, amount, to);
        }
        return (amount, token);
    }

    /// @dev One exact-input swap on `pair` whose input is already in the pair; returns the output and its token.
    function _swapExactIn(address pair, address tokenIn, uint256 amountIn, address to)
        private
        returns (uint256 amountOut, address tokenOut)
    {
        address token0 = IUniswapV2PairLike(pair).token0();
        address token1 = IUniswapV2PairLike(pair).token1();
        (uint112 r0, uint112 r1, ) = IUniswapV2PairLike(pair).getReserves();
        bool zeroForOne = token0 == tokenIn;
        if (!zeroForOne && token1 != tokenIn) revert BadPath();
        tokenOut = zeroForOne ? token1 : token0;
        amountOut = zeroForOne ? _getAmountOut(amountIn, r0, r1) : _getAmountOut(amountIn, r1, r0);
        IUniswapV2PairLike(pair).swap(zeroForOne ? 0 : amountOut, zeroForOne ? amountOut : 0, to, new bytes(0));
    }

    /// @dev The borrow pair's price of `amountBorrow` (Uniswap V2 getAmountIn on its reserves before the swap).
    function _repayAmount(address pair, address borrowToken, uint256 amountBorrow) private view returns (uint256) {
        (uint112 r0, uint112 r1, ) = IUniswapV2PairLike(pair).getReserves();
        bool borrowIs0 = IUniswapV2PairLike(pair).token0() == borrowToken;
        (uint256 reserveIn, uint256 reserveOut) = borrowIs0 ? (uint256(r1), uint256(r0)) : (uint256(r0), uint256(r1));
        return (reserveIn * amountBorrow * 1000) / ((reserveOut - amountBorrow) * 997) + 1;
    }

    /// @dev An ERC-20 transfer that also accepts tokens returning nothing (USDT-style); reverts on failure.
    function _transfer(address token, address to, uint256 value) private {
        (bool ok, bytes memory ret) = token.call(abi.encodeWithSelector(IERC20Like.transfer.selector, to, value));
        if (!ok || (ret.length != 0 && !abi.decode(ret, (bool)))) revert TransferFailed(token);
    }

    /// @dev Uniswap V2 getAmountOut with the 0.3 % fee.
    function _getAmountOut(uint256 amountIn, uint256 reserveIn, uint256 reserveOut) private pure returns (uint256) {
        uint256 inWithFee = amountIn * 997;
        return (inWithFee * reserveOut) / (reserveIn * 1000 + inWithFee);
    }
}
